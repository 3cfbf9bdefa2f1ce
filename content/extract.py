"""Babel extractors for the English source texts that live in YAML (see babel.cfg).

- domain.yml: each response's text (context: the response name) and its button titles ("button");
- content/sources.yml: each source's name ("source").
They yield the same keyword as the Python marker (content.markers.N_), so one keyword spec covers all.
"""

from __future__ import annotations

from typing import IO, Any, Iterator, List, Mapping, Tuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Extracted = Tuple[int, str, Tuple[str, str], List[str]]
KEYWORD = "N_"


def _get(node: Node, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v
    return None


def _message(node: Node, context: str, comments: List[str]) -> Extracted:
    return node.start_mark.line + 1, KEYWORD, (context, node.value), comments


def extract_domain(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Mapping[str, Any]
) -> Iterator[Extracted]:
    root = yaml.compose(fileobj.read().decode("utf-8"))
    responses = _get(root, "responses")
    if not isinstance(responses, MappingNode):
        return
    for name_node, variations in responses.value:
        name = name_node.value
        for variation in variations.value if isinstance(variations, SequenceNode) else []:
            text = _get(variation, "text")
            if isinstance(text, ScalarNode):
                yield _message(text, name, [f"Answer {name}: keep it short, plain and kind."])
            buttons = _get(variation, "buttons")
            for button in buttons.value if isinstance(buttons, SequenceNode) else []:
                title = _get(button, "title")
                if isinstance(title, ScalarNode):
                    yield _message(title, "button", ["Button label: at most 20 characters."])


def extract_sources(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Mapping[str, Any]
) -> Iterator[Extracted]:
    root = yaml.compose(fileobj.read().decode("utf-8"))
    for _, entry in root.value if isinstance(root, MappingNode) else []:
        name = _get(entry, "name")
        if isinstance(name, ScalarNode):
            yield _message(name, "source", ["Name of an official source, shown under answers."])
