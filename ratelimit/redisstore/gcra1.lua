-- GCRA for one limit: the common case, kept to three Redis calls (TIME,
-- GET, SET) and integer arithmetic.
--
-- KEYS[1]  the bucket: a string holding its theoretical arrival time (TAT)
--          as one decimal integer, nanoseconds since the Unix epoch modulo
--          9e15 (9,000,000 seconds, about 104 days). A missing or past TAT
--          is a full bucket.
-- ARGV[1]  interval in nanoseconds
-- ARGV[2]  capacity; interval × capacity is at most 4e15 (the store sends
--          longer buckets to gcra.lua)
-- ARGV[3]  cost: how many tokens the request takes; a negative cost -n
--          asks about n tokens and writes nothing (a peek)
-- ARGV[4], ARGV[5]  (tests only) the time as seconds and nanoseconds;
--          absent: the server's TIME
--
-- Returns {allowed (1 or 0), remaining, reset after (ns), retry after (ns)},
-- or {-1} when the key held something the script cannot read (another
-- type, or a value it cannot have written): the key is deleted, so the next
-- request starts a full bucket, and this one is not decided.
--
-- Lua numbers are doubles, exact for integers below 2^53 (about 9.007e15):
-- times modulo 9e15 stay exact, and a stored TAT is always within 4.5e15 of
-- now (a bucket is at most 4e15 long, and its key expires about a second
-- after it is full again), so the difference to now, taken modulo 9e15 into
-- [-4.5e15, 4.5e15), is the true one. The stored time is written with
-- string.format('%d'): Redis would format a number argument as a double.

if redis.replicate_commands then redis.replicate_commands() end

local now
if ARGV[4] then
  now = (ARGV[4] % 9e6) * 1e9 + ARGV[5]
else
  local t = redis.call('TIME')
  now = (t[1] % 9e6) * 1e9 + t[2] * 1000
end
local interval, capacity, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tau = interval * capacity
local peek = cost < 0
if peek then cost = -cost end

local tat = 0
-- A key of another type makes GET an error: pcall returns it as a table,
-- which tonumber reads as nil.
local v = redis.pcall('GET', KEYS[1])
if v then
  tat = tonumber(v)
  if tat and tat >= 0 and tat < 9e15 then
    tat = tat - now
    if tat >= 4.5e15 then tat = tat - 9e15 elseif tat < -4.5e15 then tat = tat + 9e15 end
    -- The store never writes a time further ahead than the bucket's
    -- length; up to a minute more is another node's clock (after a
    -- failover), and reads as an empty bucket.
    if tat > tau + 6e10 then tat = nil end
  else
    tat = nil
  end
  if not tat then
    redis.call('DEL', KEYS[1])
    return {-1}
  end
  if tat < 0 then tat = 0 elseif tat > tau then tat = tau end
end

local new = tat + cost * interval
if cost > capacity then
  return {0, math.floor((tau - tat) / interval), tat, 0}
end
if new > tau then
  -- (tat - tau) + cost * interval rather than new - tau: new may be above
  -- 2^53, where a double drops nanoseconds.
  return {0, math.floor((tau - tat) / interval), tat, (tat - tau) + cost * interval}
end
if cost > 0 and not peek then
  -- now + new modulo 9e15, without a sum above 2^53.
  local t = 9e15 - now
  if new < t then t = now + new else t = new - t end
  -- The key lives until the bucket is full again, rounded up to a whole
  -- second: a key that outlives its bucket reads as full, and one that is
  -- written again before it expires is overwritten in place.
  redis.call('SET', KEYS[1], string.format('%d', t), 'EX', string.format('%d', math.ceil(new / 1e9)))
end
return {1, math.floor((tau - new) / interval), new, 0}
