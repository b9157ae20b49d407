#!/usr/bin/env bash
# Takes the README screenshot of the status board (docs/screenshot-board.png).
# It fills a fresh data folder through the command line with a company, a few
# customers and invoices over the last twelve months, some of them paid.
# Then it opens the app under Xvfb through xvfb.sh and captures the window.
#
# Usage: tests/smoke/screenshot-board.sh [OUTPUT.png]
# Environment: FACTURIER_BIN (default target/release/facturier).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${FACTURIER_BIN:-target/release/facturier}
output=${1:-docs/screenshot-board.png}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data"
f() { "$bin" --data-dir "$data" "$@"; }

cat >"$work/company.json" <<'JSON'
{"name": "Atelier Facturier SAS", "legal_form": "SAS", "share_capital": "10 000 €", "siren": "732829320",
 "rcs": "RCS Lyon 732 829 320", "vat_id": "FR44732829320",
 "address": {"line1": "12 quai Saint-Antoine", "postcode": "69002", "city": "Lyon", "country": "FR"},
 "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP", "email": "compta@example.fr"}
JSON
f company set --json "$work/company.json"

customers=("Atelier Lenoir SARL|Lyon" "Boulangerie Martin|Villeurbanne" "Cabinet Durand & Associés|Paris"
    "Garage des Alpes|Grenoble" "Librairie du Parc|Annecy")
# Invoice n: customer, months back, hours, rate, paid share (none, part, all).
plan=("0 11 12 20 all" "1 10 6 20 all" "2 9 20 20 all" "3 8 9 10 all" "4 7 15 20 all" "0 6 10 20 all"
    "1 5 18 20 all" "2 4 7 5.5 all" "3 3 25 20 all" "4 2 14 20 part" "0 1 8 20 part" "1 1 30 20 none"
    "2 0 12 20 none" "3 0 5 10 none")
today=$(date +%Y-%m-%d)
n=0
for entry in "${plan[@]}"; do
    read -r customer back hours rate paid <<<"$entry"
    IFS='|' read -r name city <<<"${customers[$customer]}"
    date=$(date -d "$(date +%Y-%m-15) -$back month" +%Y-%m-%d)
    [[ $date > $today ]] && date=$today
    cat >"$work/invoice.json" <<JSON
{"customer": {"name": "$name", "siren": "552100554",
  "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "$city", "country": "FR"}},
 "currency": "EUR", "issue_date": "$date",
 "lines": [{"description": "Conseil et développement", "quantity": "$hours", "unit": "HUR", "unit_price": "85.00",
            "vat": {"category": "S", "rate": "$rate"}, "delivery_date": "$date"}]}
JSON
    id=$(f invoice create --json "$work/invoice.json")
    number=$(f invoice issue "$id")
    total=$(f invoice show "$number" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balance"])')
    case $paid in
        all) f invoice pay "$number" "$total" --date "$date" >/dev/null ;;
        part) f invoice pay "$number" 300 --date "$date" >/dev/null ;;
    esac
    n=$((n + 1))
done
# Two drafts waiting to be issued.
for customer in 0 4; do
    IFS='|' read -r name city <<<"${customers[$customer]}"
    printf '{"customer": {"name": "%s", "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "%s", "country": "FR"}}, "lines": [{"description": "Maintenance", "quantity": "1", "unit": "C62", "unit_price": "150.00", "vat": {"category": "S", "rate": "20"}}]}' \
        "$name" "$city" >"$work/draft.json"
    f invoice create --json "$work/draft.json" >/dev/null
done
echo "screenshot: $n issued invoices and 2 drafts in $data"

mkdir -p "$(dirname "$output")"
FACTURIER_BIN=$bin FACTURIER_DATA_DIR_FOR_SMOKE=$data SMOKE_DISPLAY=${SMOKE_DISPLAY:-:98} \
    LANG=${SCREENSHOT_LANG:-en_GB.UTF-8} "$here/xvfb.sh" "$output"
