-- Gives back tokens that an allowed decision of gcra1.lua took, for one
-- limit: for limiters mounted apart whose later member refused the request.
--
-- KEYS[1]  the bucket (see gcra1.lua)
-- ARGV[1]  interval in nanoseconds
-- ARGV[2]  capacity
-- ARGV[3]  cost: how many tokens to give back
--
-- The bucket's theoretical arrival time moves back by cost × interval
-- (modulo 9e15, as gcra1.lua stores it), keeping the key's expiry, which
-- the refund can only make later than needed. A bucket Redis no longer
-- holds is full already and is left alone.
--
-- Returns {1}, or {-1} when the key held something the script cannot read
-- (another type, or a value it cannot have written): the key is deleted, as
-- gcra1.lua deletes it, and nothing is given back.
local v = redis.pcall('GET', KEYS[1])
if not v then return {1} end
local tat = tonumber(v)
if not (tat and tat >= 0 and tat < 9e15) then
  redis.call('DEL', KEYS[1])
  return {-1}
end
-- Never more than the whole bucket, so the time stays within its window.
local interval = tonumber(ARGV[1])
local back = math.min(tonumber(ARGV[3]), tonumber(ARGV[2])) * interval
tat = tat - back
if tat < 0 then tat = tat + 9e15 end
tat = string.format('%d', tat)
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
  redis.call('SET', KEYS[1], tat, 'PX', ttl)
else
  redis.call('SET', KEYS[1], tat)
end
return {1}
