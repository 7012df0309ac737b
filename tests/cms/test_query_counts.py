"""The home and axis pages make a bounded number of queries, whatever the amount of content (no N+1)."""

import pytest

from tests.cms.pages import add_event, add_news, axis_page
from tests.factories import AxisFactory, MembershipFactory, OrganisationFactory, PersonFactory, WorkgroupFactory


def _site(home, agenda, news_index, size: int):
    axes = [AxisFactory() for _ in range(size)]
    for axis in axes:
        page = axis_page(home, axis)
        for _ in range(size):
            WorkgroupFactory(axis=axis)
            add_event(agenda, axis=axis)
            add_news(news_index, axis=axis)
        axis.coordinators.add(*(PersonFactory() for _ in range(2)))
        MembershipFactory(organisation=OrganisationFactory())
    return page


def _queries(client, django_assert_max_num_queries, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url_of", ["home", "axis"])
def test_page_queries_do_not_grow_with_content(client, home, agenda, news_index, django_assert_max_num_queries, url_of):
    small = _site(home, agenda, news_index, 2)
    url = "/" if url_of == "home" else small.url
    client.get(url)  # warm Wagtail's site cache, as on a running server
    few = _queries(client, django_assert_max_num_queries, url, 60)

    _site(home, agenda, news_index, 5)
    many = _queries(client, django_assert_max_num_queries, url, 60)
    assert many <= few + 2, f"{url}: {few} queries with little content, {many} with more"
