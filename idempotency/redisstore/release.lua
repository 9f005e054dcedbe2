-- Release: KEYS[1] the record; ARGV token. Returns 1 released, 0 not held.
local r = redis.call('HMGET', KEYS[1], 't', 'b')
if r[2] or r[1] ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
