#!/usr/bin/env bash
# The tour: one cotton trade through the whole platform over its HTTP API,
# from a fresh, empty folder (docs/tour.md walks through it).
#
#   scripts/tour.sh                  # after `cargo build`; embedded SQLite + in-process kv
#   DATABASE_URL=postgres://... REDIS_URL=redis://... scripts/tour.sh
#
# Settings (all optional):
#   SERVER_BIN    the server binary (default: target/debug/server under
#                 CARGO_TARGET_DIR, or ./target)
#   DATABASE_URL  PostgreSQL to run on (an empty database of its own)
#   REDIS_URL     Redis to run on (REDIS_KEY_PREFIX is passed through too)
#   TOUR_UNTIL    stop successfully after this step: reservation
#   TOUR_KEEP     set to 1 to keep the temporary folder (server log, answers)
#
# Prints each step; exits non-zero at the first step that fails, with the
# server's answer. Needs bash, curl and jq.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SERVER_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/server}"
until_step="${TOUR_UNTIL:-}"
case "$until_step" in
"" | reservation) ;;
*)
  echo "TOUR_UNTIL must be empty or 'reservation', not '$until_step'" >&2
  exit 2
  ;;
esac
for tool in curl jq; do
  command -v "$tool" >/dev/null || {
    echo "the tour needs $tool" >&2
    exit 2
  }
done
[ -x "$bin" ] || {
  echo "no server binary at $bin: run 'cargo build' or set SERVER_BIN" >&2
  exit 2
}

work="$(mktemp -d "${TMPDIR:-/tmp}/tour.XXXXXX")"
log="$work/server.log"
out="$work/answer"
headers="$work/headers"
server_pid=""
step_name="start"
run_id="$(date +%s)-$$"
calls=0

stop() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ]; then
    echo "--- last lines of the server log ($log):" >&2
    tail -n 20 "$log" >&2 2>/dev/null || true
  fi
  if [ "${TOUR_KEEP:-}" = 1 ] || [ "$status" -ne 0 ]; then
    echo "(kept $work)" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

# The server's environment: nothing but what the tour means to set, plus
# DATABASE_URL / REDIS_URL / REDIS_KEY_PREFIX when given (on Redis, a prefix
# of this run's own unless one is given: codes and rate limits start afresh).
server_env=(env -i "PATH=$PATH" "HOME=$work" "LOG_FORMAT=json" "LOG_LEVEL=info"
  "BIND_ADDR=127.0.0.1:0")
if [ -n "${REDIS_URL:-}" ] && [ -z "${REDIS_KEY_PREFIX:-}" ]; then
  REDIS_KEY_PREFIX="tour:$run_id:"
fi
for var in DATABASE_URL REDIS_URL REDIS_KEY_PREFIX; do
  if [ -n "${!var:-}" ]; then server_env+=("$var=${!var}"); fi
done

# shellcheck source=scripts/tour-helpers.sh
source "$root/scripts/tour-helpers.sh"

# ---------------------------------------------------------------------------

admin_email="admin@example.com"
admin_password="tour admin secret"
manager_email="manager@example.com"
manager_password="tour manager secret"
seller_mobile="9700000101"
buyer_mobile="9700000202"

step "the platform administrator: server admin create (migrates the empty database first)"
(cd "$work" && "${server_env[@]}" "$bin" admin create --email "$admin_email" \
  --password "$admin_password" --name "Tour Administrator") >"$work/admin.log" 2>&1 ||
  fail "admin create: $(cat "$work/admin.log")"
say "$(grep -o 'created SUPER_ADMIN.*' "$work/admin.log" | head -n 1)"

backend="embedded SQLite + in-process kv"
if [ -n "${DATABASE_URL:-}" ]; then backend="PostgreSQL${REDIS_URL:+ + Redis}"; fi
step "start the server in $work ($backend)"
(cd "$work" && exec "${server_env[@]}" "$bin") >"$log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 600); do
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited: $(tail -n 20 "$log")"
  port=$(jq -rR 'fromjson? | select(.fields.message? == "serving") | .fields.port' "$log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "the server did not log 'serving' within 60 s"
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
  status=$(curl -sS --max-time 5 -o "$out" -w '%{http_code}' "$base/readyz") || status=000
  [ "$status" = 200 ] && break
  sleep 0.1
done
[ "$status" = 200 ] || fail "GET /readyz answered $status within 30 s: $(head -c 2000 "$out")"
say "serving on $base: database $(val .checks.database.backend)"

step "administrator logs in with e-mail and password"
login "$admin_email" "$admin_password"
admin=$(get .access_token)
call GET /api/v1/auth/me "$admin" 200
say "signed in as $(val .email)"

step "an organization, with its GST registration"
call POST /api/v1/settings/organizations "$admin" 201 '{"name": "Tour Cotton Exchange",
  "legal_name": "Tour Cotton Exchange Pvt Ltd"}'
org=$(get .id)
call POST "/api/v1/settings/organizations/$org/gst-registrations" "$admin" 201 \
  '{"gstin": "27AAPFU0939F1ZV", "branch_code": "MUM"}'
say "organization $org, GSTIN $(val .gstin) ($(val .state_name))"

step "a back-office manager of the organization signs in"
call POST /api/v1/settings/users "$admin" 201 "$(jq -nc --arg e "$manager_email" \
  --arg p "$manager_password" --arg o "$org" '{kind: "INTERNAL", email: $e, password: $p,
  full_name: "Back Office Manager", organization_id: $o, roles: ["BACKOFFICE_MANAGER"]}')"
login "$manager_email" "$manager_password"
manager=$(get .access_token)

step "a cotton commodity: GST 5 %, traded in candies, priced per candy"
call POST /api/v1/settings/commodities "$manager" 201 '{"name": "Shankar-6 Cotton",
  "category": "COTTON", "hsn_code": "5201", "gst_rate": "5", "base_unit": "KG",
  "trade_unit": "CANDY", "rate_unit": "CANDY"}'
cotton=$(get .id)
say "commodity $cotton, GST rate $(val .gst_rate) %"

step "its quality parameters: the cotton defaults, and maturity added"
call POST "/api/v1/settings/commodities/$cotton/parameters" "$manager" 201 '{"name": "Maturity",
  "param_type": "NUMERIC", "unit": "%", "min_value": "70", "max_value": "90", "default_value": "80"}'
call GET "/api/v1/settings/commodities/$cotton/parameters" "$manager" 200
say "$(val '[.items[].name] | join(", ")')"

step "its commission structure: 0.5 % brokerage on both sides"
call POST "/api/v1/settings/commodities/$cotton/commission-structures" "$manager" 201 \
  '{"name": "Brokerage", "commission_type": "PERCENTAGE", "rate": "0.5", "applies_to": "BOTH"}'
say "commission $(val .name): $(val .rate) % on $(val .applies_to)"

step "trade terms: payment Net 30, delivery ex-gin"
call POST /api/v1/settings/commodities/terms/payment-terms "$manager" 201 \
  '{"code": "NET30", "name": "Net 30", "days": 30, "percentage": 100}'
payment_term=$(get .id)
call POST /api/v1/settings/commodities/terms/delivery-terms "$manager" 201 \
  '{"code": "EXGIN", "name": "Ex-gin", "freight_included": false}'
delivery_term=$(get .id)

step "a delivery location: Rajkot yard"
call POST /api/v1/settings/locations "$manager" 201 '{"name": "Rajkot yard", "place_id": "tour-rajkot",
  "state_code": "GJ", "city": "Rajkot", "pincode": "360001", "latitude": 22.3, "longitude": 70.8}'
yard=$(get .id)

step "seller onboards from its mobile: one-time code, then an onboarding token"
otp "$seller_mobile"
check '.next_step == "start_onboarding"' "a new number starts onboarding"
applicant=$(get .onboarding_token)

step "seller applies: Shree Cotton Ginning, Jalgaon (Maharashtra), in business since 2010"
application "$applicant" seller "Shree Cotton Ginning Pvt Ltd" 27AAPFU0101F1ZH \
  AAPFU0101F "$seller_mobile" MH Jalgaon 425001 2010-04-01
seller_app=$app_id
documents "$applicant" "$seller_app"
seller_docs=("${doc_ids[@]}")
call POST "/api/v1/partners/applications/$seller_app/submit" "$applicant" 200 '{}'
say "application $seller_app submitted: score $(val .score), routing $(val .routing)"

step "staff verify the seller's documents; the last verification approves it"
for doc in "${seller_docs[@]}"; do
  call POST "/api/v1/partners/applications/$seller_app/documents/$doc/verify" "$manager" 200 \
    '{"verified": true}'
done
seller=$(get .approval.partner.id)
say "seller partner $(val .approval.partner.code) ($seller)"

step "buyer onboards from its mobile"
otp "$buyer_mobile"
applicant=$(get .onboarding_token)

step "buyer applies: Navkar Spinning Mills, Ahmedabad (Gujarat), in business since 2025"
application "$applicant" buyer "Navkar Spinning Mills Pvt Ltd" 24AAPFU0202F1ZL \
  AAPFU0202F "$buyer_mobile" GJ Ahmedabad 380001 2025-06-01
buyer_app=$app_id
documents "$applicant" "$buyer_app"
buyer_docs=("${doc_ids[@]}")
call POST "/api/v1/partners/applications/$buyer_app/submit" "$applicant" 200 '{}'
say "application $buyer_app submitted: score $(val .score), routing $(val .routing)"

step "staff verify the buyer's documents and approve it with a credit limit of 1 crore"
for doc in "${buyer_docs[@]}"; do
  call POST "/api/v1/partners/applications/$buyer_app/documents/$doc/verify" "$manager" 200 \
    '{"verified": true}'
done
check '.approval == null' "a young business waits for a manager's decision"
call POST "/api/v1/partners/applications/$buyer_app/approve" "$manager" 201 \
  '{"credit_limit": "10000000", "notes": "known mill, limit from its bank statements"}'
buyer=$(get .partner.id)
call GET "/api/v1/risk/partners/$buyer" "$manager" 200
say "buyer partner $(val .code) ($buyer): credit limit $(val .credit_limit), utilised $(val .utilised.buyer)"
check '.utilised.buyer == "0"' "a new buyer owes nothing"

step "seller and buyer sign in with one-time codes"
otp "$seller_mobile"
check '.next_step == "dashboard"' "an approved partner's number signs in"
seller_token=$(get .access_token)
otp "$buyer_mobile"
buyer_token=$(get .access_token)

step "seller offers 100 candies at 61,000 per candy (availability)"
call POST /api/v1/trade-desk/availabilities "$seller_token" 201 "$(jq -nc --arg c "$cotton" \
  --arg y "$yard" --arg p "$payment_term" --arg d "$delivery_term" '{commodity_id: $c,
  location_id: $y, quantity: "100", price: "61000", payment_term_id: $p, delivery_term_id: $d,
  quality: {staple_length: 29, micronaire: "4.1"}}')"
availability=$(get .id)
if [ "$(get .approval_status)" = PENDING ]; then
  say "held for review (seller precheck $(val .precheck.status)): staff approve it"
  call POST "/api/v1/trade-desk/availabilities/$availability/approve" "$manager" 200 '{}'
fi
check '.status == "ACTIVE"' "the availability is ACTIVE"
say "availability $availability: $(val .available_quantity) $(val .unit) available, $(val .approval_status)"

step "buyer needs 10 to 50 candies delivered at Rajkot (requirement), and publishes it"
call POST /api/v1/trade-desk/requirements "$buyer_token" 201 "$(jq -nc --arg c "$cotton" \
  --arg y "$yard" '{commodity_id: $c, min_quantity: "10", max_quantity: "50",
  delivery_location_ids: [$y], max_price: "62000",
  quality: {staple_length: {min: 28, max: 31}}}')"
requirement=$(get .id)
say "requirement $(val .number) ($requirement), $(val .status)"
call POST "/api/v1/trade-desk/requirements/$requirement/publish" "$buyer_token" 200 '{}'
check '.status == "ACTIVE"' "a published requirement is ACTIVE"
say "published: $(val .status), purchased $(val .purchased_quantity)"

step "buyer reserves 20 candies for 24 hours against its requirement (reservation)"
call POST "/api/v1/trade-desk/availabilities/$availability/reservations" "$buyer_token" 201 \
  "$(jq -nc --arg r "$requirement" '{quantity: "20", requirement_id: $r}')"
reservation=$(get .id)
value=$(get .value)
say "reservation $reservation: $(val .quantity) $(val .unit), value $value, $(val .status)"
call GET "/api/v1/trade-desk/availabilities/$availability" "$seller_token" 200
check '.available_quantity == "80" and .reserved_quantity == "20"' "20 of 100 are reserved"
call GET "/api/v1/risk/partners/$buyer" "$buyer_token" 200
check '.utilised.buyer == $v' "the buyer's exposure holds the reservation's value $value" --arg v "$value"
say "buyer's exposure: utilised $(val .utilised.buyer) of $(val .credit_limit)"

if [ "$until_step" = reservation ]; then
  step "stop after the reservation (TOUR_UNTIL=reservation)"
  echo "tour complete up to the reservation"
  exit 0
fi

step "seller confirms the reservation: a trade"
call POST "/api/v1/trade-desk/reservations/$reservation/confirm" "$seller_token" 201 \
  "$(jq -nc --arg p "$payment_term" --arg d "$delivery_term" '{payment_term_id: $p, delivery_term_id: $d}')"
trade=$(get .id)
check '.status == "CONFIRMED"' "a new trade is CONFIRMED"
check '.number | test("^TRD-[0-9]{4}-[0-9]{6}$")' "a trade number TRD-YYYY-NNNNNN"
say "trade $(val .number) ($trade): $(val .quantity) $(val .unit) at $(val .price), amount $(val .amount)"
say "GST $(val .gst.rate) %: CGST $(val .gst.cgst), SGST $(val .gst.sgst), IGST $(val .gst.igst); commission $(val '.commission.total // .commission'); total $(val .total)"
check '(.amount | tonumber) == 1220000' "20 candies at 61,000: an amount of 12,20,000"
check '(.gst.igst | tonumber) == 61000 and (.gst.cgst | tonumber) == 0 and (.gst.sgst | tonumber) == 0' \
  "Maharashtra to Gujarat: 5 % IGST, no CGST or SGST"
check '(.total | tonumber) == 1281000' "the total is the amount and its GST"
total=$(get .total)

step "buyer reads the trade"
call GET "/api/v1/trade-desk/trades/$trade" "$buyer_token" 200
check '.reservation_id == $r and .status == "CONFIRMED"' "the reservation's trade, CONFIRMED" \
  --arg r "$reservation"

step "its contract note (PDF)"
call GET "/api/v1/trade-desk/trades/$trade/contract" "$buyer_token" 200
contract="$work/contract.pdf"
cp "$out" "$contract"
[ "$(head -c 4 "$contract")" = "%PDF" ] || fail "the contract is not a PDF: $(head -c 200 "$contract")"
tr -d '\r' <"$headers" | grep -qi '^content-type: application/pdf' ||
  fail "the contract is not served as application/pdf: $(tr -d '\r' <"$headers" | grep -i '^content-type')"
say "contract: $(wc -c <"$contract") bytes of PDF"

step "the buyer's exposure moved from the reservation to the trade"
call GET "/api/v1/risk/partners/$buyer" "$buyer_token" 200
check 'any(.entries.items[]; .reason == "trade" and .reference_id == $t)' \
  "a trade entry on the buyer's ledger" --arg t "$trade"
check '(.utilised.buyer | tonumber) == ($t | tonumber)' "the buyer's exposure is the trade's total $total" \
  --arg t "$total"
say "buyer's exposure: utilised $(val .utilised.buyer); entries $(val '[.entries.items[].reason] | join(", ")')"

step "the requirement's fulfilment"
call GET "/api/v1/trade-desk/requirements/$requirement" "$buyer_token" 200
check '.purchased_quantity == "20"' "20 candies purchased"
check '.status == "PARTIALLY_FULFILLED"' "past its minimum, under its maximum: PARTIALLY_FULFILLED"
say "requirement: purchased $(val .purchased_quantity), spent $(val .spent_amount), $(val .status)"

step "the back office settles the trade"
call POST "/api/v1/trade-desk/trades/$trade/settle" "$manager" 200 '{}'
check '.status == "SETTLED"' "a settled trade is SETTLED"
say "trade $(val .number) settled at $(val .settled_at)"
call GET "/api/v1/risk/partners/$buyer" "$buyer_token" 200
check '.utilised.buyer == "0"' "settlement releases the buyer's exposure"
say "buyer's exposure after settlement: utilised $(val .utilised.buyer)"

step "done"
echo "tour complete: $(val .code) bought 20 candies of Shankar-6 cotton; trade $trade settled"
