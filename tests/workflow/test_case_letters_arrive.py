"""Letters are produced after the step's response (issue 19 item 4): completing an acceptance
leaves its two letters pending, the case page's letters box asks for itself again while any is
pending, and shows them issued, with their PDF, once the worker has produced them; then it stops
asking."""

import pytest
from django.urls import reverse

from cases.models import ListEntry, ObjectionCase
from letters.models import Letter
from letters.tasks import letter_produce_task
from tests.api.status_fixtures import no_letter_production  # noqa: F401
from workflow import services
from workflow.models import WorkItem

from .test_listing_through_the_api import list_through_api
from .test_objections import file_on_portal
from .test_workspace_queue import browser_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def letter_key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("workflow-letter-keys")


@pytest.fixture
def letter_keys(settings, tmp_path, letter_key_dir):
    """Signing keys for every unit (the demo CA, one per session as tests/letters keeps it), so
    the letters can really be produced here: ``letter_keys()`` issues the units' credentials."""
    from django.core.management import call_command

    settings.LETTERS_KEY_DIR = letter_key_dir
    settings.MEDIA_ROOT = tmp_path / "media"

    def issue():
        call_command("letters_demo_ca", verbosity=0)

    return issue


def produce_pending(case) -> int:
    """What the worker does after the response: render and sign each pending letter of the case."""
    pending = list(Letter.objects.filter(case_chain=f"cases.objectioncase:{case.pk}", status=Letter.Status.PENDING))
    for letter in pending:
        letter_produce_task(letter.pk)
    return len(pending)


@pytest.fixture
def accepted(province, as_user, no_letter_production):  # noqa: F811
    entry = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
    case = ObjectionCase.objects.get(number=file_on_portal(province, entry).json()["number"])
    task_id = WorkItem.objects.get(object_type="cases.objectioncase", object_id=case.pk, step="acceptance",
                                   is_open=True).task_id
    response = browser_for(province["officer"]).post(f"/work/tasks/{task_id}/complete/", {"accept": "True"})
    assert response.status_code == 302
    return case


def test_the_acceptance_answers_with_its_letters_pending_and_the_page_polls_until_they_arrive(
        province, accepted, letter_keys):
    case = accepted
    letters = Letter.objects.filter(case_chain=f"cases.objectioncase:{case.pk}")
    assert letters.count() == 2 and set(letters.values_list("status", flat=True)) == {Letter.Status.PENDING}
    officer = browser_for(province["officer"])
    page = officer.get(f"/work/cases/objection/{case.pk}/").content.decode()
    box_url = f"/work/cases/objection/{case.pk}/letters/"
    assert f'hx-get="{box_url}"' in page and 'hx-trigger="every 2s"' in page
    assert "正在生成" in page and "htmx" in page  # the script that polls is on the page

    letter_keys()
    assert produce_pending(case) == 2
    box = officer.get(box_url).content.decode()
    assert "hx-trigger" not in box and "正在生成" not in box  # nothing pending: the polling stops
    for letter in letters:
        assert f'href="{reverse("letters:pdf", args=[letter.pk])}"' in box
    assert box.count('data-status="issued"') == 2


def test_another_units_officer_cannot_read_the_letters_box(province, accepted):
    response = browser_for(province["outsider"]).get(f"/work/cases/objection/{accepted.pk}/letters/")
    assert response.status_code == 404
