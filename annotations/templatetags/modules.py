"""A page's ES modules, all named in its head: `{% module_preloads "<entry>.js" %}` writes a
<link rel="modulepreload"> for every module the entry imports, directly or not, so the
browser fetches them all while it reads the page, instead of one level of imports after another
(the workspace's were four round trips deep, the last started only after the page was parsed)."""

from __future__ import annotations

import re
from functools import cache
from posixpath import dirname, normpath

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()

# `import ... from "./x.js"`, `export ... from "./x.js"` and `import "./x.js"`: the relative
# specifiers the modules use (no bare names, no import maps).
_SPECIFIER = re.compile(r"""(?:\bfrom|\bimport)\s*["'](\.{1,2}/[^"']+)["']""")


def _imports(path: str) -> list[str]:
    found = finders.find(path)
    if not found:
        return []
    with open(found, encoding="utf-8") as source:
        code = source.read()
    return [normpath(f"{dirname(path)}/{spec}") for spec in _SPECIFIER.findall(code)]


def module_graph(entry: str) -> list[str]:
    """The static paths of every module `entry` imports, directly or not (not `entry` itself),
    in the order first met."""
    seen = {entry}
    order: list[str] = []
    waiting = [entry]
    while waiting:
        for path in _imports(waiting.pop(0)):
            if path not in seen:
                seen.add(path)
                order.append(path)
                waiting.append(path)
    return order


def _preloads(entry: str) -> SafeString:
    return format_html_join(
        "\n",
        '<link rel="modulepreload" href="{}">',
        ((static(path),) for path in module_graph(entry)),
    )


_cached_preloads = cache(_preloads)


@register.simple_tag
def module_preloads(entry: str) -> SafeString:
    # Read once a process; while developing (DEBUG), again each page, as the files change.
    return _preloads(entry) if settings.DEBUG else _cached_preloads(entry)
