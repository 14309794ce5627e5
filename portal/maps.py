"""The town's neighborhoods on a map we draw ourselves, and the address search.

The map is an SVG built from the GeoJSON boundaries stored on each Neighborhood (longitude and
latitude), so no third-party map or tile server sees our residents. Longitude is scaled by the
cosine of the town's latitude, which is exact enough for a town-sized area.

The address search takes what a resident types ("42 chapel st."), drops the house number,
expands the usual abbreviations and looks the street up in the town's street list.
"""

import math
import re
from dataclasses import dataclass

from django.db.models import QuerySet

from portal.models import Neighborhood, Street

WIDTH = 640
PADDING = 12
# Fills from the USWDS palette; labels are drawn in black on the light tints (AA contrast).
FILLS = ["#d9e8f6", "#dfeacd", "#f2e4d4", "#e7e6ff", "#d2ede6", "#f8dfe2", "#e6e6e6", "#fef0c8"]


@dataclass(frozen=True)
class MapShape:
    neighborhood: Neighborhood
    path: str
    label_x: float
    label_y: float
    fill: str


@dataclass(frozen=True)
class TownMap:
    width: int
    height: int
    shapes: list[MapShape]
    projection: "Projection | None" = None


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude to the map's pixels and back (what a click on the map means)."""

    west: float
    north: float
    squeeze: float
    scale: float

    def to_xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round(PADDING + (lon - self.west) * self.squeeze * self.scale, 1),
            round(PADDING + (self.north - lat) * self.scale, 1),
        )

    def to_lonlat(self, x: float, y: float) -> tuple[float, float]:
        lon = self.west + (x - PADDING) / (self.squeeze * self.scale)
        lat = self.north - (y - PADDING) / self.scale
        return lon, lat


def town_map(neighborhoods, *, width: int = WIDTH) -> TownMap | None:
    """The SVG geometry of every neighborhood with a boundary, or None if none has one, drawn
    `width` pixels wide (a place picker is drawn narrow enough for a phone)."""
    drawn = [(n, _rings(n.boundary)) for n in neighborhoods if isinstance(n.boundary, dict)]
    drawn = [(n, rings) for n, rings in drawn if rings]
    if not drawn:
        return None
    points = [p for _, rings in drawn for ring in rings for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * squeeze, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = (width - 2 * PADDING) / span_x
    height = round(span_y * scale + 2 * PADDING)
    projection = Projection(west=west, north=north, squeeze=squeeze, scale=scale)
    project = projection.to_xy

    shapes = []
    for index, (neighborhood, rings) in enumerate(drawn):
        parts = []
        xs, ys = [], []
        for ring in rings:
            projected = [project(lon, lat) for lon, lat, *_ in ring]
            corners = projected[:-1] if projected[0] == projected[-1] else projected
            xs += [x for x, _ in corners]  # the closing point would pull the label off centre
            ys += [y for _, y in corners]
            parts.append("M" + " L".join(f"{x} {y}" for x, y in projected) + " Z")
        shapes.append(
            MapShape(
                neighborhood=neighborhood,
                path=" ".join(parts),
                label_x=round(sum(xs) / len(xs), 1),
                label_y=round(sum(ys) / len(ys), 1),
                fill=FILLS[index % len(FILLS)],
            )
        )
    return TownMap(width=width, height=height, shapes=shapes, projection=projection)


def _inside(lon: float, lat: float, ring: list[list[float]]) -> bool:
    """Ray casting: whether the point is inside the ring (a point on an edge may go either way)."""
    inside = False
    count = len(ring)
    for i in range(count):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[i - 1][0], ring[i - 1][1]
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def neighborhood_at(lon: float, lat: float, neighborhoods) -> Neighborhood | None:
    """The neighborhood whose boundary holds the point, or None when it is outside the town
    (outside every boundary). Holes of a polygon are not cut out: a town has none."""
    for neighborhood in neighborhoods:
        if not isinstance(neighborhood.boundary, dict):
            continue
        if any(_inside(lon, lat, ring) for ring in _rings(neighborhood.boundary)):
            return neighborhood
    return None


ABBREVIATIONS = {
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "rd": "road",
    "ln": "lane",
    "dr": "drive",
    "cir": "circle",
    "ct": "court",
    "pl": "place",
    "blvd": "boulevard",
    "ter": "terrace",
    "hwy": "highway",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
    "mt": "mount",
    # Spanish speakers often write the kind of street first.
    "calle": "street",
    "avenida": "avenue",
}


def street_name_from_address(address: str) -> str:
    """ "42B Chapel St., Apt 3" -> "chapel street"."""
    text = address.lower().split(",")[0]
    text = re.sub(r"\b(apt|apartment|unit|#)\s*\S*$", "", text)
    text = re.sub(r"[^\w\s'-]", " ", text)
    words = text.split()
    while words and re.fullmatch(r"\d+[a-z]?(-\d+[a-z]?)?", words[0]):
        words.pop(0)
    words = [ABBREVIATIONS.get(word, word) for word in words]
    if len(words) > 1 and words[0] in {"street", "avenue"}:
        words = [*words[1:], words[0]]  # "calle chapel" -> "chapel street"
    return " ".join(words)


def street_search(address: str) -> QuerySet[Street]:
    """Streets matching the address: the exact street if we know it, else close candidates."""
    name = street_name_from_address(address)
    streets = Street.objects.select_related("neighborhood").order_by("name")
    if not name:
        return streets.none()
    exact = streets.filter(name__iexact=name)
    if exact.exists():
        return exact
    core = name.split()
    if len(core) > 1 and core[-1] in set(ABBREVIATIONS.values()):
        core = core[:-1]
    return streets.filter(name__icontains=" ".join(core))[:10]
