from datetime import date, datetime, timezone

from logday import local_day, parse_lines, summarise

LOG = """
2024-03-01T08:00:00Z GET / 200 100
2024-03-01T12:30:00Z GET /api 500 20
2024-03-02T09:00:00Z GET / 200 300
""".splitlines()


def test_local_day_utc_and_small_offsets_midday():
    noon = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
    assert local_day(noon) == date(2024, 3, 1)
    assert local_day(noon, 60) == date(2024, 3, 1)
    assert local_day(noon, -60) == date(2024, 3, 1)


def test_summarise_utc():
    days = summarise(parse_lines(LOG))
    assert [d.day for d in days] == [date(2024, 3, 1), date(2024, 3, 2)]
    assert (days[0].requests, days[0].errors, days[0].bytes_sent) == (2, 1, 120)
    assert days[0].error_rate == 0.5
