"""An e-guichet form's page next to the same form in collective.easyform's layout.

The demo commune is deployed into a FileStorage of its own. In one process
with the instance's configuration, one of its library forms is rendered, for
an anonymous visitor and with a new request each time, by the view citizens
get (`@@demande`: the introduction, "(facultatif)", the transactional layout)
and by collective.easyform's own view class (`EasyFormView`: its template,
the site's public layout with navigation, portlets and footer), in turn, after
a warm-up. Same form object, same site, same run: the median of each and
their ratio are printed. plone.app.caching plays no part (no publisher, no
RAM cache), and neither view keeps anything between renderings.

    .venv/bin/python bench/eguichet_form_page.py [--renderings 300] [--form ID]
    .venv/bin/python bench/eguichet_form_page.py --profile   # where the time goes
"""

from home_page import deploy_demo
from imio.commune.cluster.processes import PROJECT
from pathlib import Path

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


SITE = "demo"
FOLDER = "e-guichet"
FORM = "signalement-voirie"
WARM_UP = 20
OURS = "e-guichet form page (@@demande)"
EASYFORM = "easyform's own view (EasyFormView)"


def renderers(form_id: str):
    """The site's form and a function rendering it by each view, anonymously."""
    from AccessControl.SecurityManagement import noSecurityManager
    from collective.easyform.browser.view import EasyFormView
    from imio.commune.cli.zope_app import open_app
    from plone.browserlayer.layer import mark_layer
    from Testing.makerequest import makerequest
    from zope.component import getMultiAdapter
    from zope.component.hooks import setSite
    from zope.globalrequest import setRequest
    from zope.traversing.interfaces import BeforeTraverseEvent

    app = open_app(PROJECT / "instance" / "etc" / "zope.conf")
    noSecurityManager()

    def fresh():
        # A request of its own for each rendering, as publishing would make.
        root = makerequest(app.aq_base)
        request = root.REQUEST
        site = root[SITE]
        setRequest(request)
        setSite(site)
        mark_layer(site, BeforeTraverseEvent(site, request))
        form = site[FOLDER][form_id]
        request["PARENTS"] = [form, site[FOLDER], site, root]
        request["ACTUAL_URL"] = form.absolute_url()
        return form, request

    def ours() -> str:
        form, request = fresh()
        return getMultiAdapter((form, request), name=form.getLayout())()

    def easyform() -> str:
        form, request = fresh()
        view = EasyFormView(form, request)
        view.__name__ = "view"
        return view()

    return {OURS: ours, EASYFORM: easyform}


def measure(form_id: str, renderings: int) -> None:
    """Inside the instance's configuration: medians of both, as JSON."""
    import transaction

    views = renderers(form_id)
    for name, render in views.items():
        page = render()
        if 'id="form"' not in page:
            raise RuntimeError(f"{name} shows no form")
        for _ in range(WARM_UP):
            render()
    times = {name: [] for name in views}
    sizes = {name: len(render().encode()) for name, render in views.items()}
    for _ in range(renderings):
        for name, render in views.items():
            started = time.perf_counter()
            render()
            times[name].append(time.perf_counter() - started)
    transaction.abort()
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    print(json.dumps({"medians": medians, "sizes": sizes}))


def profile(form_id: str, renderings: int) -> None:
    """cProfile of both views' renderings."""
    import cProfile
    import pstats
    import transaction

    for name, render in renderers(form_id).items():
        render()
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(renderings):
            render()
        profiler.disable()
        each = (time.perf_counter() - started) / renderings * 1000
        print(f"\n{name}: {each:.1f} ms per rendering (profiled)")
        lines = int(os.environ.get("BENCH_PROFILE_LINES", "40"))
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(lines)
    transaction.abort()


def inside(step: str, form_id: str, renderings: int) -> list[str]:
    """The command running ``step`` inside the instance's configuration."""
    options = ["--form", form_id, "--renderings", str(renderings)]
    return [sys.executable, __file__, "--inside", step, *options]


def run(args, work: Path) -> dict:
    env = deploy_demo(work)
    if args.profile:
        subprocess.run(
            inside("profile", args.form, args.profile),
            env=env,
            check=True,
        )
    measured = subprocess.run(
        inside("measure", args.form, args.renderings),
        env=env,
        capture_output=True,
        text=True,
    )
    if measured.returncode:
        raise RuntimeError(f"measure: {measured.stderr[-3000:]}")
    return json.loads(measured.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renderings", type=int, default=300)
    parser.add_argument("--form", default=FORM)
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=100,
        default=0,
        help="also profile this many renderings of each view",
    )
    parser.add_argument("--inside", choices=("measure", "profile"))
    args = parser.parse_args()
    if args.inside == "measure":
        return measure(args.form, args.renderings)
    if args.inside == "profile":
        return profile(args.form, args.renderings)
    work = Path(tempfile.mkdtemp(prefix="imio-bench-form-"))
    try:
        results = run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    medians, sizes = results["medians"], results["sizes"]
    baseline = medians[EASYFORM]
    print(
        f"\nForm page {args.form!r}, median of {args.renderings} renderings each, "
        "anonymous, a new request each time"
    )
    print(f"{'view':40} {'ms':>8} {'ratio':>7} {'kB':>7}")
    for name in (EASYFORM, OURS):
        median = medians[name]
        print(
            f"{name:40} {median:8.1f} {median / baseline:7.2f} "
            f"{sizes[name] / 1000:7.1f}"
        )


if __name__ == "__main__":
    main()
