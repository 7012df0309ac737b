"""The fictional demo cluster is built by the apps themselves, one step each.

Each app registers its step from its AppConfig.ready(): `demo.register("members", step, order=10)`.
`load_demo` runs the steps by order; a step reads what earlier steps left in the shared `demo` dict
(the people, the clubs, the axes…) and adds its own. So the command knows no app, and adding an
app's demo data touches only that app.
"""

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    order: int
    run: Callable[[dict, Callable[[str], None]], None]


_steps: dict[str, Step] = {}


def register(name: str, run: Callable[[dict, Callable[[str], None]], None], *, order: int) -> None:
    """`run(demo, say)` loads one app's part; `say` prints a line of the summary."""
    _steps[name] = Step(name=name, order=order, run=run)


def steps() -> list[Step]:
    return sorted(_steps.values(), key=lambda step: (step.order, step.name))


def load(say: Callable[[str], None]) -> dict:
    demo: dict = {}
    for step in steps():
        step.run(demo, say)
    return demo
