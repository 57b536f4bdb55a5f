"""YAML is composed by libyaml when PyYAML has it, with the pure loader's
node tree (lines included) and, for broken documents, its error messages."""

from __future__ import annotations

import pytest
import yaml

from seed import layout
from seed.records import _compose


def _shape(node: yaml.Node) -> tuple[object, ...]:
    """What the loader reads of a node: kind, tag, lines, value (not the style)."""
    head = (type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return (*head, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*head, *(_shape(item) for item in node.value))
    assert isinstance(node, yaml.MappingNode)
    return (*head, *((_shape(k), _shape(v)) for k, v in node.value))


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML without libyaml")
def test_the_demo_files_compose_to_the_pure_loaders_tree() -> None:
    files = sorted(layout.demo_dir().rglob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        pure = yaml.compose(text, Loader=yaml.SafeLoader)
        assert pure is not None
        fast = _compose(text)
        assert fast is not None
        assert _shape(fast) == _shape(pure), path


def test_a_broken_document_fails_with_the_pure_loaders_message() -> None:
    text = "- id: a\n  name: [unclosed\n- id: b\n"
    with pytest.raises(yaml.MarkedYAMLError) as pure:
        yaml.compose(text, Loader=yaml.SafeLoader)
    with pytest.raises(yaml.MarkedYAMLError) as ours:
        _compose(text)

    assert str(ours.value) == str(pure.value)
