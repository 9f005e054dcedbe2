-- Begin: KEYS[1] the record; ARGV fingerprint, token, lease (ms).
-- Returns {1} started, {2, pttl} running, {3, response} done, {4} mismatch.
local r = redis.call('HMGET', KEYS[1], 'f', 'b')
if not r[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'f', ARGV[1], 't', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {1}
end
if r[1] ~= ARGV[1] then
  return {4}
end
if r[2] then
  return {3, r[2]}
end
return {2, redis.call('PTTL', KEYS[1])}
