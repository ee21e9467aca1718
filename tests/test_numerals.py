"""Chinese numerals as printed in article labels."""

from __future__ import annotations

import pytest

from legis.numerals import article_label, cn_to_int, int_to_cn


@pytest.mark.parametrize("text, value", [
    ("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105), ("一百一十", 110),
    ("一千二百六十", 1260), ("一千零十", 1010), ("一千零一十", 1010), ("四百六十三", 463),
    ("二〇二四", 2024), ("两千", 2000), ("十万", 100_000), ("一万零一百", 10_100),
    ("12", 12), ("１２", 12), ("零", 0), ("贰拾", 20),
])
def test_cn_to_int(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text", ["", "第", "十二条", "abc"])
def test_cn_to_int_rejects(text):
    with pytest.raises(ValueError):
        cn_to_int(text)


@pytest.mark.parametrize("value, text", [
    (1, "一"), (10, "十"), (12, "十二"), (110, "一百一十"), (105, "一百零五"),
    (1010, "一千零一十"), (1260, "一千二百六十"), (10_010, "一万零一十"), (100_000, "十万"),
])
def test_int_to_cn(value, text):
    assert int_to_cn(value) == text


def test_round_trip():
    assert all(cn_to_int(int_to_cn(n)) == n for n in range(0, 30_000, 3))


def test_article_label():
    assert article_label(1260) == "第一千二百六十条"
    assert article_label(10, 1) == "第十条之一"
