#!/usr/bin/env bash
# Offline checks of the deployment files (no Docker, no cluster):
#   1. every YAML file parses (PyYAML);
#   2. prometheus/alerts.rules.yml holds exactly the groups of prometheus/alerts.yaml;
#   3. if promtool is installed: the rules' PromQL parses (`promtool check rules`);
#   4. the hardening the files promise: pinned images (no `latest`, no untagged image), AllowedHosts and the
#      management port in the Deployment, NATS_URL from the Secret and the tokens from mounted files, the
#      NetworkPolicy in the kustomization, authentication (users with permissions on app_config only) and TLS
#      in the NATS values, and the scrape-down alert without a `job` label;
#   5. if kubectl is installed: the kustomization renders (`kubectl kustomize`, client-side only).
#
#   samples/ConfigService/deploy/check.sh                 # check
#   samples/ConfigService/deploy/check.sh --write-rules   # regenerate alerts.rules.yml from alerts.yaml
#
# PyYAML: `apt-get install -y python3-yaml` (then /usr/bin/python3 has it) or `pip install pyyaml`.
# promtool: Debian's `prometheus` package.
set -euo pipefail
cd "$(dirname "$0")"

python=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' 2>/dev/null; then
    python="$candidate"
    break
  fi
done
if [[ -z "$python" ]]; then
  echo "check.sh: no python3 with PyYAML (apt-get install -y python3-yaml)" >&2
  exit 2
fi

if [[ "${1:-}" == "--write-rules" ]]; then
  "$python" - <<'PY'
# The plain rules file is the PrometheusRule's spec, dedented: comments and block scalars survive.
lines = open("prometheus/alerts.yaml").read().splitlines()
start = lines.index("  groups:")
header = [
    "# GENERATED from alerts.yaml by ../check.sh --write-rules: edit alerts.yaml, then regenerate.",
    "# The same rules for a plain Prometheus: list this file under `rule_files:` in prometheus.yml.",
    "# Comments and thresholds are explained in alerts.yaml.",
]
body = [line[2:] if line.startswith("  ") else line for line in lines[start:]]
open("prometheus/alerts.rules.yml", "w").write("\n".join(header + body) + "\n")
print("wrote prometheus/alerts.rules.yml")
PY
fi

mapfile -t files < <(find . -type f \( -name '*.yaml' -o -name '*.yml' \) | sort)
"$python" - "${files[@]}" <<'PY'
import sys, yaml
failed = False
for path in sys.argv[1:]:
    try:
        docs = [d for d in yaml.safe_load_all(open(path)) if d is not None]
        print(f"ok    {path} ({len(docs)} document{'s' if len(docs) != 1 else ''})")
    except yaml.YAMLError as e:
        failed = True
        print(f"FAIL  {path}: {e}")

rule = yaml.safe_load(open("prometheus/alerts.yaml"))
plain = yaml.safe_load(open("prometheus/alerts.rules.yml"))
if rule["spec"]["groups"] != plain["groups"]:
    failed = True
    print("FAIL  prometheus/alerts.rules.yml differs from alerts.yaml: run check.sh --write-rules")
else:
    print("ok    prometheus/alerts.rules.yml matches alerts.yaml")

def check(ok, what):
    global failed
    print(f"{'ok   ' if ok else 'FAIL '} {what}")
    failed |= not ok

deployment = yaml.safe_load(open("k8s/deployment.yaml"))
container = deployment["spec"]["template"]["spec"]["containers"][0]
env = {e["name"]: e for e in container.get("env", [])}
kustomization = yaml.safe_load(open("k8s/kustomization.yaml"))
nats = yaml.safe_load(open("helm/nats-values.yaml"))
images = [container["image"], nats["container"]["image"]["repository"] + ":" + str(nats["container"]["image"]["tag"]),
          nats["natsBox"]["container"]["image"]["repository"] + ":" + str(nats["natsBox"]["container"]["image"]["tag"])]
images += [line.split()[1] for line in open("Dockerfile") if line.startswith("FROM ")]
check(all(":" in i.rsplit("/", 1)[-1] and not i.endswith(":latest") for i in images), f"images pinned: {', '.join(images)}")
check(all(str(i.get("newTag", "")) not in ("", "latest") or "digest" in i for i in kustomization.get("images", [])), "kustomization pins the image")
check("AllowedHosts" in env and env["AllowedHosts"].get("value") not in (None, "", "*"), "AllowedHosts set in the Deployment")
check(env.get("ConfigService__ManagementPort", {}).get("value") == "9090"
      and all(p["httpGet"]["port"] == "management" for p in (container["startupProbe"], container["readinessProbe"], container["livenessProbe"])),
      "probes on the management port")
check("secretKeyRef" in env.get("NATS_URL", {}).get("valueFrom", {}), "NATS_URL from the Secret")
check("ConfigService__WriteTokenFile" in env and "ConfigService__ReadTokenFile" in env
      and "ConfigService__WriteToken" not in env and "ConfigService__ReadToken" not in env, "tokens from mounted files")
check("networkpolicy.yaml" in kustomization["resources"], "NetworkPolicy in the kustomization")
users = nats["config"]["merge"]["authorization"]["users"]
service_user = next((u for u in users if u["user"] == "config-service"), None)
allowed = (service_user or {}).get("permissions", {}).get("publish", {}).get("allow", [])
check(service_user is not None and allowed and all("app_config" in subject for subject in allowed), "NATS user config-service limited to bucket app_config")
check(nats["config"]["nats"]["tls"]["enabled"] is True, "NATS TLS enabled")
scrape_down = [r for g in rule["spec"]["groups"] for r in g["rules"] if r.get("alert") == "ConfigServiceScrapeDown"]
check(len(scrape_down) == 1 and "job=" not in scrape_down[0]["expr"], "ConfigServiceScrapeDown works without a job label")
check(any(r.get("alert") == "ConfigServiceAuthFailures" for g in rule["spec"]["groups"] for r in g["rules"]), "an alert on failed token checks")
sys.exit(1 if failed else 0)
PY

if command -v promtool >/dev/null 2>&1; then
  promtool check rules prometheus/alerts.rules.yml
else
  echo "skip  promtool not installed (Debian: apt-get install prometheus)"
fi

if command -v kubectl >/dev/null 2>&1; then
  kubectl kustomize k8s >/dev/null
  echo "ok    kubectl kustomize k8s"
else
  echo "skip  kubectl not installed"
fi
