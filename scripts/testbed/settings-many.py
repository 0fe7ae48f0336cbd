# Runs Crucible's own Settings() (service/app/core/config.py) for many environments, one JSON object per
# stdin line ({"env": {...}} with an optional "dotenv": text placed at /app/.env, where the dev compose mounts
# the deployment's .env: config.py's load_dotenv() and Settings' env_file then read it as in the container),
# answering one JSON line each:
#   {"ok": true, "settings": {...}, "warnings": [...]} | {"ok": false, "error": "..."}
# Runs inside the trixie tree with the service at /app (test/live/bed.ts: crucibleSettingsMany). The module
# is loaded afresh per case because some defaults are read from os.environ at import time. config.py is
# loaded by path, not as `app.core.config`: the package __init__ files import the database session, which
# refuses to load without a database URL, and that is not Settings()' own judgement.
import importlib.util, json, os, sys, warnings

sys.path.insert(0, "/app")
DOTENV = "/app/.env"  # /app is the runner's private tmpfs (scripts/testbed/services.mjs)
keep = {k: os.environ[k] for k in ("PATH", "LANG") if k in os.environ}


def load_config():
    spec = importlib.util.spec_from_file_location("crucible_config", "/app/app/core/config.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

for line in sys.stdin:
    if not line.strip():
        continue
    case = json.loads(line)
    if case.get("dotenv") is None:
        if os.path.exists(DOTENV):
            os.remove(DOTENV)
        os.chdir("/tmp")  # no .env here: Settings' env_file=".env" is relative to the working folder
    else:
        with open(DOTENV, "w", encoding="utf-8") as f:
            f.write(case["dotenv"])
        os.chdir("/app")  # the image's working folder
    os.environ.clear()
    os.environ.update(case["env"])
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            s = load_config().Settings()
        settings = json.loads(s.model_dump_json())
        settings["cors_origins_list"] = s.cors_origins_list  # a property, not a field: what CORS really gets
        out = {"ok": True, "settings": settings, "warnings": [str(w.message) for w in caught]}
    except Exception as e:  # the service's own refusal: report it without the input values
        errors = getattr(e, "errors", None)
        if callable(errors):
            try:
                msg = "; ".join(f"{'.'.join(map(str, x.get('loc', ())))}: {x.get('msg')}".lstrip(": ") for x in errors(include_input=False, include_url=False))
            except TypeError:
                msg = str(e)
        else:
            msg = f"{type(e).__name__}: {e}"
        out = {"ok": False, "error": msg}
    finally:
        os.environ.clear()
        os.environ.update(keep)
    print(json.dumps(out), flush=True)
