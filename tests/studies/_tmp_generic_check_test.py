import json
from pathlib import Path
from neurocompare.report import REPORT_FILES
from neurocompare.scenarios import find_scenarios, run_scenario, load_scenario, get_scenario, scenario_options

def test_generic(tmp_path):
    found = find_scenarios()["synapses"]
    assert "?" in found.question and len(Path(found.path).read_text().splitlines()) <= 60
    module = load_scenario(get_scenario("synapses"))
    assert "quick" not in module.run.__code__.co_varnames and set(module.QUICK) <= set(scenario_options(module))
    c = run_scenario("synapses", out_dir=tmp_path, seed=0, quick=True)
    for f in REPORT_FILES:
        assert (tmp_path / f).is_file(), f
    doc = json.loads((tmp_path / "metrics.json").read_text())
    assert doc["scenario"] in ("synapses", c.name)
    figures = {p.stem for p in (tmp_path / "figures").glob("*.png")}
    assert {"circuit", "transfer", "agreement_time"} <= figures
    assert len(figures) == 7 + sum(p.kind != "table" for p in c.extras)
    assert (tmp_path / "report.html").read_text().count("data:image/png;base64,") == len(figures)
    print(found.question)
