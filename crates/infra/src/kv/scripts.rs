//! The Lua scripts of the Redis store: each operation that needs more than
//! one command runs as one script, atomically.

use redis::Script;

const COMPARE_AND_DELETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

const INCREMENT: &str = r"
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return v";

const SET_IF_GENERATION: &str = r"
local g = tonumber(redis.call('GET', KEYS[2]) or '0')
if g == tonumber(ARGV[3]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0";

/// The per-request lookups: KEYS[1] invalidation number, KEYS[2] rate bucket
/// (when ARGV[1] is 1), KEYS[3..] revocation marks; ARGV[2..4] GCRA emission
/// (us), burst, cost. Returns {seq, marked, allowed, remaining, retry_after_us,
/// reset_after_us}. One `MGET` reads the number, the bucket and the marks;
/// GCRA with Redis time; a marked request charges nothing.
const REQUEST: &str = r"
local v = redis.call('MGET', unpack(KEYS))
local seq = tonumber(v[1]) or 0
for i = 3, #KEYS do
  if v[i] then return {seq, 1, 1, 0, 0, 0} end
end
if ARGV[1] ~= '1' then
  return {seq, 0, 1, 0, 0, 0}
end
local emission = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(v[2]) or now
if tat < now then tat = now end
local new_tat = tat + emission * cost
local allow_at = new_tat - emission * burst
if allow_at > now then
  return {seq, 0, 0, 0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[2], string.format('%d', new_tat), 'PX', math.floor((new_tat - now) / 1000) + 1)
return {seq, 0, 1, math.floor((now - allow_at) / emission), 0, new_tat - now}";

/// The Lua scripts of the store.
pub(super) struct Scripts {
    pub(super) compare_and_delete: Script,
    pub(super) increment: Script,
    pub(super) set_if_generation: Script,
    pub(super) invalidate: Script,
    pub(super) request: Script,
    pub(super) begin: Script,
    pub(super) end: Script,
}

impl Scripts {
    /// Every script, loaded into Redis on first use.
    pub(super) fn load() -> Self {
        let (begin, end) = super::keys::scripts();
        Self {
            compare_and_delete: Script::new(COMPARE_AND_DELETE),
            increment: Script::new(INCREMENT),
            set_if_generation: Script::new(SET_IF_GENERATION),
            invalidate: Script::new(super::near::INVALIDATE),
            request: Script::new(REQUEST),
            begin,
            end,
        }
    }
}
