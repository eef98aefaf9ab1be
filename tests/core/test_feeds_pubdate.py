"""RFC 822 dates read without email.utils' tokenising give podcastparser's timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import podcastparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podplayer.core.feeds import _pubdate

ZONES = ["+0000", "-0000", "+0130", "-0600", "+1400", "+0099", "GMT", "UT", "UTC", "Z", "EST", ""]


@pytest.mark.parametrize(
    "text",
    [
        "Thu, 01 Jan 2015 09:00:00 +0000",
        "Thu, 01 Jan 2015 09:00:00 -0000",  # "unknown zone": email.utils reads it as local time
        "01 Jan 2015 09:00:00 GMT",
        "Mon, 02 May 1960 09:05:01 +0100",
        "Fri, 31 Feb 2015 25:61:61 -1259",
        "Thu, 01 Jan 0099 09:00:00 +0000",
        " Thu, 01 Jan 2015 09:00:00 +0000",
        "Thu, 1 Jan 2015 09:00 +0000",
        "2003-12-13T18:30:02Z",
        "",
    ],
)
def test_known_dates(text: str) -> None:
    assert _pubdate(text) == podcastparser.parse_pubdate(text)


@settings(max_examples=400, deadline=None)
@given(
    st.integers(-3_000_000_000, 9_000_000_000),
    st.sampled_from(ZONES),
    st.booleans(),
)
def test_generated_dates(seconds: int, zone: str, weekday: bool) -> None:
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    text = moment.strftime("%a, %d %b %Y %H:%M:%S " if weekday else "%d %b %Y %H:%M:%S ") + zone
    assert _pubdate(text) == podcastparser.parse_pubdate(text)
