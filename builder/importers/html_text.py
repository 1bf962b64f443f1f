"""Plain text of an HTML message body (Intercom parts are HTML): tags dropped, entities decoded,
paragraphs and line breaks kept as line breaks. Uses the standard library's HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser

_BREAKS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS and self.parts:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(body: str) -> str:
    parser = _Text()
    parser.feed(body)
    parser.close()
    lines = ("".join(parser.parts)).splitlines()
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())
