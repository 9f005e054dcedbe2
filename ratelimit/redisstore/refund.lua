-- Gives back tokens that an allowed decision of gcra.lua took: for limiters
-- mounted apart whose later member refused the request.
--
-- KEYS[1]  the hash holding one client's buckets (see gcra.lua)
-- ARGV[1]  cost: how many tokens to give back to every limit
-- ARGV[2..] per limit: interval in nanoseconds, then capacity
--
-- Each bucket's theoretical arrival time moves back by cost × interval. A
-- bucket the hash no longer holds is full already and is left alone; so is
-- the key's expiry, which the refund can only make later than needed.
--
-- Returns {1}, or {-1} when the key held something the script cannot read
-- (another type, or a value it did not write): the key is deleted, as
-- gcra.lua deletes it, and nothing is given back.
local cost = tonumber(ARGV[1])
local n = (#ARGV - 1) / 2
local fields = {}
for i = 1, n do
  fields[i] = ARGV[2 * i] .. ':' .. ARGV[1 + 2 * i]
end
local stored = redis.pcall('HMGET', KEYS[1], unpack(fields))
if stored.err then
  redis.call('DEL', KEYS[1])
  return {-1}
end
local args = {}
for i = 1, n do
  local v = stored[i]
  if v then
    local s, ns
    if type(v) == 'string' and #v >= 10 then
      s, ns = tonumber(string.sub(v, 1, -10)), tonumber(string.sub(v, -9))
    end
    if not s or not ns then
      redis.call('DEL', KEYS[1])
      return {-1}
    end
    ns = ns - cost * tonumber(ARGV[2 * i])
    local q = math.floor(ns / 1e9)
    args[#args + 1] = fields[i]
    args[#args + 1] = string.format('%d%09d', s + q, ns - q * 1e9)
  end
end
if #args > 0 then
  redis.call('HSET', KEYS[1], unpack(args))
end
return {1}
