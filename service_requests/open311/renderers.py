"""The two formats of GeoReport v2: JSON (application/json) and XML (text/xml), both UTF-8.

The XML is the one the specification's examples show: an XML declaration, a root element with
no namespace (`services`, `service_definition`, `service_requests`, `errors`, `discovery`), one
child per item named for the list it is in (`service`, `attribute`, `value`, `request`,
`error`, `endpoint`, `format`; in our extended_attributes, `answer` and `key`), `true`/`false`
for booleans and an empty element for a null. The JSON is its Spark-convention mapping: lists
of objects, the same field names.
"""

import re
from decimal import Decimal
from io import StringIO
from xml.sax.saxutils import XMLGenerator

from rest_framework.renderers import BaseRenderer, JSONRenderer

# The element of each item of a list, by the list's name.
ITEM = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "answers": "answer",
    "value": "key",  # a multivaluelist answer: its keys
}


class Open311JSONRenderer(JSONRenderer):
    charset = "utf-8"
    format = "json"


# Characters XML 1.0 cannot carry at all, even escaped (most control characters): a resident's
# text pasted with one would otherwise make the whole list unreadable to every XML client.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | float):
        return format(value, "f") if isinstance(value, Decimal) else repr(value)
    return NOT_XML.sub("", str(value))


def _write(xml: XMLGenerator, name: str, value) -> None:
    xml.startElement(name, {})
    if isinstance(value, dict):
        for key, item in value.items():
            _write(xml, str(key), item)
    elif isinstance(value, list | tuple):
        item_name = ITEM.get(name, "item")
        for item in value:
            _write(xml, item_name, item)
    elif value is not None:
        xml.characters(_text(value))
    xml.endElement(name)


class Open311XMLRenderer(BaseRenderer):
    """Renders `data` under the root element the view names (`xml_root`, or `errors` for an
    error list): a list becomes one child element per item, a dict one element per key."""

    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        root = getattr(response, "xml_root", None)
        if root is None:
            view = renderer_context.get("view")
            root = getattr(view, "xml_root", "service_requests")

        stream = StringIO()
        xml = XMLGenerator(stream, encoding="utf-8", short_empty_elements=True)
        stream.write('<?xml version="1.0" encoding="utf-8"?>\n')
        if isinstance(data, list):
            item_name = ITEM.get(root, "item")
            xml.startElement(root, {})
            for item in data:
                _write(xml, item_name, item)
            xml.endElement(root)
        else:
            _write(xml, root, data)
        return stream.getvalue().encode("utf-8")
