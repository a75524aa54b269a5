from unitconv import find_unit


def test_symbols_names_and_plurals():
    assert find_unit("km").name == "km"
    assert find_unit("Kilometres").name == "km"
    assert find_unit("feet").name == "ft"
    assert find_unit(" hours ").name == "h"
    assert find_unit("°C").dimension == "temperature"
