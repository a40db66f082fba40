"""One picture: the placed body, its props and cues through the camera, painted back to front.

The camera is orthographic: it may turn about the vertical (``yaw``), look down (``pitch``) and
mirror the picture left to right. The floor stays a straight line unless the camera looks down.
Painting order: furniture and mat, then the body's parts and the props that sit among them
(a ball between the knees, a belt round them) by distance from the viewer, then arrows, water
and words.
"""

from __future__ import annotations

from ptclinic.services.figures import render
from ptclinic.services.figures.arrows import cue
from ptclinic.services.figures.body import Body
from ptclinic.services.figures.geometry import Point, Vec, rotate
from ptclinic.services.figures.poses import FigureSpec, Pose, View
from ptclinic.services.figures.primitives import INK, Circle, Path, Primitive, Text
from ptclinic.services.figures.props import BUILDERS, Ball3, PropItem, Scene, Shape3

LABEL_SIZE = 10.0
FRONT = 1000.0  # added to the depth of a part the pose brings to the front


class Camera:
    def __init__(self, view: View) -> None:
        self.view = view

    def __call__(self, v: Vec) -> Vec:
        turned = rotate(v, (0.0, 1.0, 0.0), self.view.yaw)
        turned = rotate(turned, (1.0, 0.0, 0.0), self.view.pitch)
        return (-turned[0], turned[1], turned[2]) if self.view.mirror else turned

    def flat(self, v: Vec) -> Point:
        seen = self(v)
        return (seen[0], seen[1])


def _shape(shape: Shape3 | Ball3, camera: Camera) -> tuple[float, Primitive] | None:
    if isinstance(shape, Ball3):
        centre = camera(shape.centre)
        return centre[2], Circle(
            (centre[0], centre[1]), shape.radius, shape.stroke, shape.fill, shape.width
        )
    if shape.normal is not None and camera(shape.normal)[2] <= 1e-6:
        return None  # a face turned away
    seen = [camera(p) for p in shape.points]
    depth = sum(p[2] for p in seen) / len(seen)
    path = Path(
        tuple((p[0], p[1]) for p in seen), shape.stroke, shape.fill, shape.width,
        shape.closed, shape.dash,
    )  # fmt: skip
    return depth, path


def _item(item: PropItem, camera: Camera) -> list[Primitive]:
    shapes = [drawn for shape in item.shapes if (drawn := _shape(shape, camera)) is not None]
    if all(isinstance(shape, Shape3) and shape.normal is not None for shape in item.shapes):
        shapes.sort(key=lambda pair: pair[0])  # faces of boxes: farthest first
    return [primitive for _depth, primitive in shapes]


def picture(
    spec: FigureSpec, pose: Pose, body: Body, start: Body, end: Body, ground: float
) -> list[Primitive]:
    """The primitives of one picture (start or end) of ``spec``: ``body`` is this pose placed
    on the ground, ``start`` and ``end`` both poses (for props and arrows)."""
    camera = Camera(spec.view)
    seen_body = body.mapped(camera, camera)
    back: list[Primitive] = []
    front: list[Primitive] = []
    layered: list[tuple[float, int, list[Primitive]]] = []
    for depth, name, primitives in render.layers(seen_body):
        # Parts the pose brings to the front go over everything else on the body.
        layered.append((depth + (FRONT if name in pose.front else 0.0), len(layered), primitives))
    scene = Scene(body=body, start=start, both=(start, end), ground=ground)
    for prop in spec.props:
        for item in BUILDERS[prop](scene):
            primitives = _item(item, camera)
            if item.layer == "back":
                back += primitives
            elif item.layer == "front":
                front += primitives
            else:
                depth = camera(item.depth or (0.0, 0.0, 0.0))[2]
                layered.append((depth, len(layered), primitives))
    layered.sort(key=lambda entry: (entry[0], entry[1]))
    middle = [p for _depth, _order, primitives in layered for p in primitives]
    return back + middle + front + _cues(spec, pose, body, start, end, camera)


def _cues(
    spec: FigureSpec, pose: Pose, body: Body, start: Body, end: Body, camera: Camera
) -> list[Primitive]:
    centre = camera.flat(body.points["waist"])
    items: list[Primitive] = []
    for arrow in pose.arrows:
        items += cue(
            arrow,
            camera.flat(start.points[arrow.landmark]),
            camera.flat(end.points[arrow.landmark]),
            camera.flat(body.points[arrow.landmark]),
            centre,
            spec.view.mirror,
        )
    if pose.label:
        # Over the middle of the body, clear of its highest point.
        seen = [camera.flat(p) for p in body.points.values()]
        xs, top = [p[0] for p in seen], max(p[1] for p in seen)
        middle = (min(xs) + max(xs)) / 2
        items.append(Text((middle, top + 16.0), pose.label, LABEL_SIZE, "middle", INK, True))
    return items


def floor_line(left: float, right: float) -> Path:
    return Path(((left, 0.0), (right, 0.0)), stroke=INK, width=0.8)
