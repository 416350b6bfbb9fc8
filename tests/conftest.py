from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "NCT03929120.json"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED_RECORDS = ROOT.parent / "shared" / "records"
V2_RECORDS = SHARED_RECORDS / "ctgov-v2"


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files from the current output (review the diff before committing).",
    )


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def shared_records() -> list[Path]:
    """The real records beside the project; a user's clone has none, CI has them."""
    if not V2_RECORDS.is_dir():
        return []
    return sorted(V2_RECORDS.glob("*.json"))


requires_shared = pytest.mark.skipif(
    not V2_RECORDS.is_dir(),
    reason=f"real records not found at {V2_RECORDS} (they sit beside the project in CI, not in a clone)",
)


@pytest.fixture(scope="session")
def pipeline():
    from summarizer.build import LeafletPipeline

    return LeafletPipeline()


@pytest.fixture(scope="session")
def example_study():
    from summarizer.load import load_studies

    return load_studies(EXAMPLE)[0]


@pytest.fixture(scope="session")
def example_leaflet(pipeline, example_study):
    return pipeline.explain(example_study)


@pytest.fixture(scope="session")
def example_html(pipeline, example_leaflet) -> str:
    return pipeline.renderer.html(example_leaflet)


def minimal_record(**protocol_overrides) -> dict:
    """A small hand-made API v2 study, with any protocolSection modules replaced."""
    protocol = {
        "identificationModule": {"nctId": "NCT00000001", "briefTitle": "A small test study"},
        "statusModule": {"overallStatus": "RECRUITING"},
    }
    protocol.update(protocol_overrides)
    return {"protocolSection": protocol}
