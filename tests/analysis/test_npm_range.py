"""Major versions an npm range admits (FLX603)."""

import math

import pytest

from flexaudit.analysis.npm_range import major_bounds


@pytest.mark.parametrize("text, bounds", [
    ("1.x", (1, 1)), ("^1.34.0", (1, 1)), ("~1.19", (1, 1)), ("1.", (1, 1)), ("1.34.6", (1, 1)),
    (">=1 <2", (1, 1)), (">= 1.0.0 < 2.0.0", (1, 1)), ("1.0.0 - 1.9.9", (1, 1)), ("=v1.2.3", (1, 1)),
    ("<2", (0, 1)), ("<1.5", (0, 1)), ("^1.2.3-beta.1", (1, 1)),
    ("^1 || ^2", (1, 2)), ("^2.0.0", (2, 2)), (">=1", (1, math.inf)), (">1", (2, math.inf)),
    ("*", (0, math.inf)), ("", (0, math.inf)), ("latest", (0, math.inf)), ("^0.5", (0, 0)),
])
def test_bounds(text, bounds):
    assert major_bounds(text) == bounds


@pytest.mark.parametrize("text", ["file:../flex-ui", "github:twilio/flex-ui#v1", "npm:@twilio/flex-ui@1",
                                  ">=2 <1", "1.x banana", None, 1])
def test_unreadable_ranges_are_not_judged(text):
    assert major_bounds(text) is None
