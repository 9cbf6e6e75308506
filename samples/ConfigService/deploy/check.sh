#!/usr/bin/env bash
# Offline checks of the deployment files (no Docker, no cluster):
#   1. every YAML file parses (PyYAML);
#   2. prometheus/alerts.rules.yml holds exactly the groups of prometheus/alerts.yaml;
#   3. if promtool is installed: the rules' PromQL parses (`promtool check rules`);
#   4. if kubectl is installed: the kustomization renders (`kubectl kustomize`, client-side only).
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
