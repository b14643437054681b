"""Which topics exist: each names its model's parameters, its explorer view and its derivation.

Data only — strings "module:attribute" imported on first use, so listing or validating lessons
never imports Qt, and opening one lesson does not import the others.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Topic:
    name: str
    params: str  # "module:NAME" of a dict[str, ParamSpec]
    quantities: str  # "module:NAME" of a tuple[str, ...] exercises may check
    explorer: str  # "module:Class" of the Qt view (an app.explorers.base.Explorer)
    derivation: str  # "module" with symbolic_steps() and live_steps(params)


TOPICS: dict[str, Topic] = {
    "linear": Topic(
        name="linear",
        params="app.models.linear:PARAMS",
        quantities="app.models.linear:QUANTITIES",
        explorer="app.explorers.linear:LinearExplorer",
        derivation="app.derivations.linear",
    ),
    "svd": Topic(
        name="svd",
        params="app.models.svd:PARAMS",
        quantities="app.models.svd:QUANTITIES",
        explorer="app.explorers.svd:SVDExplorer",
        derivation="app.derivations.svd",
    ),
    "bayes": Topic(
        name="bayes",
        params="app.models.bayes_params:PARAMS",
        quantities="app.models.bayes_params:QUANTITIES",
        explorer="app.explorers.bayes:BayesExplorer",
        derivation="app.derivations.bayes",
    ),
    "attention": Topic(
        name="attention",
        params="app.models.attention:PARAMS",
        quantities="app.models.attention:QUANTITIES",
        explorer="app.explorers.attention:AttentionExplorer",
        derivation="app.derivations.attention",
    ),
    "descent": Topic(
        name="descent",
        params="app.models.descent_params:PARAMS",
        quantities="app.models.descent_params:QUANTITIES",
        explorer="app.explorers.descent:DescentExplorer",
        derivation="app.derivations.descent",
    ),
}


@cache
def load(ref: str):
    """Import "module:attr" (or a bare module) and return the object."""
    module, _, attr = ref.partition(":")
    obj = importlib.import_module(module)
    return getattr(obj, attr) if attr else obj
