"""The API Gateway request templates build valid execution requests for hostile input.

API Gateway's VTL cannot run offline, so this evaluates the few constructs the templates use
(``#set``, ``$util.escapeJavaScript``, ``.replaceAll``, ``$input.body``, ``$input.params``)
with their Java semantics, and checks that the body or query survives both JSON layers."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
from awsharness import load_template

NASTY = [
    'plain',
    'quote " and apostrophe \' and backslash \\ and slash /',
    "line\nbreak\ttab\r\x01\x1f",
    "José Núñez 😀 — ünïcödé",
    "@@operation@@: @@mask@@, at-signs @ @@",
    "\\u0041 \\' \\\" $dollar ${brace} #set($x = 1)",
]


def escape_javascript(value: str) -> str:
    """commons-lang StringEscapeUtils.escapeJavaScript, as API Gateway's $util uses it."""
    out = []
    for char in value:
        code = ord(char)
        if code > 0xFFFF:
            out.extend(f"\\u{unit:04X}" for unit in _utf16(char))
        elif code > 0x7F:
            out.append(f"\\u{code:04X}")
        elif char in "\b\n\t\f\r":
            out.append({"\b": "\\b", "\n": "\\n", "\t": "\\t", "\f": "\\f", "\r": "\\r"}[char])
        elif code < 0x20:
            out.append(f"\\u{code:04X}")
        elif char in "'\"\\/":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _utf16(char: str) -> list[int]:
    data = char.encode("utf-16-be")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def java_replace_all(value: str, regex: str, replacement: str) -> str:
    literal = re.sub(r"\\(.)", r"\1", replacement)  # Java: '\x' in a replacement is a literal x
    return re.sub(regex, lambda _: literal, value)


class Vtl:
    """Evaluates the subset of VTL the request templates use."""

    def __init__(self, body: str, params: dict[str, str]) -> None:
        self.body, self.params = body, params
        self.vars: dict[str, str] = {}

    def render(self, template: str) -> str:
        lines = []
        for line in template.splitlines():
            match = re.fullmatch(r"#set\(\$(\w+) = (.*)\)", line.strip())
            if match:
                value, rest = self.expression(match.group(2))
                assert rest == "", rest
                self.vars[match.group(1)] = value
            else:
                lines.append(self.interpolate(line))
        return "\n".join(lines)

    def interpolate(self, text: str) -> str:
        out, i = [], 0
        while i < len(text):
            if text[i] == "$" and re.match(r"\$(util|input|context|[a-z]\w*)", text[i:]):
                value, rest = self.reference(text[i:])
                out.append(value)
                i = len(text) - len(rest)
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def expression(self, text: str) -> tuple[str, str]:
        if text[0] in "\"'":
            end = text.index(text[0], 1)
            raw = text[1:end]
            return (self.interpolate(raw) if text[0] == '"' else raw), text[end + 1:]
        return self.reference(text)

    def reference(self, text: str) -> tuple[str, str]:
        if text.startswith("$util.escapeJavaScript("):
            argument, rest = self.expression(text[len("$util.escapeJavaScript("):])
            value, rest = escape_javascript(argument), rest.removeprefix(")")
        elif text.startswith("$input.body"):
            value, rest = self.body, text[len("$input.body"):]
        elif match := re.match(r"\$input\.params\('(\w+)'\)", text):
            value, rest = self.params.get(match.group(1), ""), text[match.end():]
        elif text.startswith("$context.requestId"):
            value, rest = "req-1", text[len("$context.requestId"):]
        else:
            match = re.match(r"\$(\w+)", text)
            assert match, text[:30]
            value, rest = self.vars[match.group(1)], text[match.end():]
        while rest.startswith(".replaceAll("):
            regex, rest = self.expression(rest[len(".replaceAll("):])
            replacement, rest = self.expression(rest.removeprefix(", ").removeprefix(","))
            value, rest = java_replace_all(value, regex, replacement), rest.removeprefix(")")
        return value, rest


@cache
def request_template(method: str, path: str) -> str:
    paths = load_template()["Resources"]["PhimaskApi"]["Properties"]["DefinitionBody"]["paths"]
    integration = paths[path][method]["x-amazon-apigateway-integration"]
    text, _ = integration["requestTemplates"]["application/json"]["Fn::Sub"]
    rendered: str = text.replace("${Machine}", "arn:aws:states:us-east-1:123456789012:stateMachine:m")
    return rendered


def start_request(template: str, body: str = "", params: dict[str, str] | None = None) -> dict[str, Any]:
    request: dict[str, Any] = json.loads(Vtl(body, params or {}).render(template))
    assert request["name"] == "req-1" and request["stateMachineArn"].endswith(":m")
    return request


@pytest.mark.parametrize(("path", "operation"), [("/text/phi", "identify"), ("/text/mask", "mask"),
                                                 ("/text/deidentify", "deidentify"), ("/image/mask", "mask")])
@pytest.mark.parametrize("value", NASTY)
def test_body_routes_pass_the_raw_body_through_both_layers(path: str, operation: str, value: str) -> None:
    for body in (json.dumps({"text": value}), json.dumps({"text": value}, ensure_ascii=False), value, ""):
        execution_input = json.loads(start_request(request_template("post", path), body)["input"])
        assert execution_input == {"operation": operation, "body": body}


@pytest.mark.parametrize(("path", "operation"), [("/image/text", "text"), ("/image/phi", "phi")])
@pytest.mark.parametrize("value", NASTY)
def test_query_routes_pass_parameters_as_strings(path: str, operation: str, value: str) -> None:
    params = {"bucket": "phimask-input", "key": value, "threshold": "0.7"}
    execution_input = json.loads(start_request(request_template("get", path), params=params)["input"])
    assert execution_input == {"operation": operation, "query": params}
    missing = json.loads(start_request(request_template("get", path), params={})["input"])
    assert missing == {"operation": operation, "query": {"bucket": "", "key": "", "threshold": ""}}


@pytest.mark.parametrize("value", NASTY)
def test_batch_route_passes_the_body_as_the_execution_input(value: str) -> None:
    body = json.dumps({"s3Bucket": "phimask-input", "prefix": value, "operation": "mask",
                       "destinationPrefix": "out/"})
    request = start_request(request_template("post", "/batch"), body)
    assert json.loads(request["input"]) == json.loads(body)
