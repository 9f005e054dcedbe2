-- Finish: KEYS[1] the record; ARGV token, fingerprint, response, retention (ms).
-- Returns 1 saved, 0 not held (another claim holds the key, or it is done).
local r = redis.call('HMGET', KEYS[1], 'f', 't', 'b')
if r[1] and (r[3] or r[2] ~= ARGV[1]) then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'f', ARGV[2], 'b', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
