-- Gives back tokens that an allowed decision took: the other half of
-- gcra.lua, for limiters mounted apart whose later member refused the request.
--
-- KEYS[1]  the hash holding one client's buckets (see gcra.lua)
-- ARGV[1]  cost: how many tokens to give back to every limit
-- ARGV[2..] per limit: interval in nanoseconds, then capacity
--
-- Each bucket's theoretical arrival time moves back by cost × interval. A
-- bucket the hash no longer holds is full already and is left alone; so is
-- the key's expiry, which the refund can only make later than needed.
local cost = tonumber(ARGV[1])
local n = (#ARGV - 1) / 2
for i = 1, n do
  local field = ARGV[2 * i] .. ':' .. ARGV[1 + 2 * i]
  local v = redis.call('HGET', KEYS[1], field)
  if v then
    local back = cost * tonumber(ARGV[2 * i])
    local s, ns = tonumber(string.sub(v, 1, -10)), tonumber(string.sub(v, -9))
    if s and ns then
      ns = ns - back
      local q = math.floor(ns / 1e9)
      ns = ns - q * 1e9
      redis.call('HSET', KEYS[1], field, string.format('%d%09d', s + q, ns))
    end
  end
end
return 1
