# Helpers of scripts/tour.sh (sourced): steps, requests, answers, one-time codes.
# They use the tour's globals: $work, $log, $out, $headers, $base, $run_id, $calls.
# shellcheck shell=bash

# Starts step "$*".
step() {
  step_name="$*"
  printf '==> %s\n' "$*"
}

# Reports a detail of the current step.
say() {
  printf '    %s\n' "$*"
}

# Stops the tour: the step failed.
fail() {
  printf 'FAILED at step "%s": %s\n' "$step_name" "$*" >&2
  exit 1
}

# call METHOD PATH TOKEN EXPECTED [JSON]: one request; the answer's body is
# left in $out, its status in $status; fails unless the status is EXPECTED.
# Every write carries a fresh Idempotency-Key; a 429 is waited out.
call() {
  local method=$1 path=$2 token=$3 expected=$4 body=${5-}
  local args=(-sS --max-time 60 -o "$out" -D "$headers" -w '%{http_code}' -X "$method")
  if [ -n "$token" ]; then args+=(-H "authorization: Bearer $token"); fi
  if [ "$method" != GET ]; then
    calls=$((calls + 1))
    args+=(-H "idempotency-key: tour-$run_id-$calls-$(date +%s%N)")
  fi
  if [ -n "$body" ]; then args+=(-H 'content-type: application/json' --data "$body"); fi
  send "$method" "$path" "$expected" "${args[@]}"
}

# upload TOKEN APPLICATION KIND: a small PDF as a document of the application.
upload() {
  local token=$1 id=$2 kind=$3 file="$work/$3.pdf"
  printf '%%PDF-1.4\n%% %s of the tour\n%%%%EOF\n' "$kind" >"$file"
  calls=$((calls + 1))
  send POST "/api/v1/partners/applications/$id/documents" 201 \
    -sS --max-time 60 -o "$out" -D "$headers" -w '%{http_code}' -X POST \
    -H "authorization: Bearer $token" -H "idempotency-key: tour-$run_id-$calls-$(date +%s%N)" \
    -F "document_type=$kind" -F "number=TOUR-$kind" -F "file=@$file;type=application/pdf"
}

# send METHOD PATH EXPECTED CURL-ARGS...: the request, retried after a 429.
send() {
  local method=$1 path=$2 expected=$3
  shift 3
  local attempt wait
  for attempt in $(seq 1 20); do
    status=$(curl "$@" "$base$path") || fail "$method $path: no answer (curl $?)"
    [ "$status" = 429 ] || break
    wait=$(tr -d '\r' <"$headers" | awk 'tolower($1) == "retry-after:" {print $2}')
    say "429 on $method $path: waiting ${wait:-1} s (attempt $attempt)"
    sleep "${wait:-1}"
  done
  [ "$status" = "$expected" ] ||
    fail "$method $path answered $status, expected $expected: $(head -c 3000 "$out")"
}

# get FILTER: a value of the last answer (jq -r), failing when it is null or false.
get() {
  jq -er "$1" "$out" 2>/dev/null || fail "the answer has no $1: $(head -c 3000 "$out")"
}

# val FILTER: a value of the last answer to show (jq -r), "?" when absent.
val() {
  jq -r "$1" "$out" 2>/dev/null || printf '?'
}

# check FILTER WHY [JQ-ARGS...]: fails with WHY unless FILTER holds on the last answer.
check() {
  local filter=$1 why=$2
  shift 2
  jq -e "$@" "$filter" "$out" >/dev/null 2>&1 || fail "$why: $(head -c 3000 "$out")"
}

# code MOBILE: the one-time code the development sender logged for +91MOBILE,
# the last one (the log is one JSON object per line).
code() {
  local mobile="+91$1" found=""
  for _ in $(seq 1 50); do
    found=$(jq -rR --arg m "$mobile" 'fromjson? | select(.fields.message? // ""
      | startswith("one-time code (development sender")) | select(.fields.mobile == $m)
      | .fields.code' "$log" | tail -n 1)
    [ -n "$found" ] && break
    sleep 0.1
  done
  [ -n "$found" ] || fail "no one-time code for $mobile in the server log"
  printf '%s' "$found"
}

# otp MOBILE: sends a code to MOBILE, reads it from the log and verifies it;
# the verify answer is left in $out.
otp() {
  call POST /api/v1/auth/otp/send "" 200 "$(jq -nc --arg m "$1" '{mobile: $m}')"
  local otp_code
  otp_code=$(code "$1")
  say "code for +91$1 from the server log: $otp_code"
  call POST /api/v1/auth/otp/verify "" 200 "$(jq -nc --arg m "$1" --arg c "$otp_code" '{mobile: $m, otp: $c}')"
}

# login EMAIL PASSWORD: signs in; the answer (with the access token) in $out.
login() {
  call POST /api/v1/auth/login "" 200 "$(jq -nc --arg e "$1" --arg p "$2" '{email: $e, password: $p}')"
}

# application TOKEN TYPE LEGAL GSTIN PAN MOBILE STATE CITY PINCODE SINCE: starts
# an application as the applicant; its id in $app_id.
application() {
  call POST /api/v1/partners/applications "$1" 201 "$(jq -nc --arg type "$2" --arg legal "$3" \
    --arg gstin "$4" --arg pan "$5" --arg mobile "$6" --arg state "$7" --arg city "$8" \
    --arg pin "$9" --arg since "${10}" '{legal_name: $legal, partner_type: $type,
    entity_type: "private_limited", gstin: $gstin, pan: $pan,
    address: {line1: "12 Market Yard", city: $city, state_code: $state, pincode: $pin},
    contact: {full_name: "Owner of \($legal)", email: "owner-\($mobile)@example.com", mobile: $mobile},
    bank: {account_name: $legal, account_number: "50100012345678", ifsc: "HDFC0001234"},
    business_start_date: $since}')"
  app_id=$(get .id)
}

# documents TOKEN APPLICATION: uploads the three required documents; their ids in $doc_ids.
documents() {
  local kind
  doc_ids=()
  for kind in bank_proof gst_certificate pan_card; do
    upload "$1" "$2" "$kind"
    doc_ids+=("$(get .id)")
  done
}
