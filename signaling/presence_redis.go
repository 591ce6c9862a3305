package signaling

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisPresence is the PresenceStore shared by the nodes of a deployment.
// Each user has one hash, Prefix + "presence:" + user id, whose fields are
// node ids with the value "<state digit>:<expiry, unix ms>", plus "_v", the
// version. A node refreshes its fields (Hub: every Options.PresenceRefresh);
// a field past its expiry counts as absent, so a dead node's connections
// lapse after TTL. The hash itself expires after twice the TTL without a
// write. Only user ids, node ids and states are stored.
type RedisPresence struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
	now    func() time.Time
}

// NewRedisPresence returns a store on rdb with key prefix (default "haven:")
// and entry lifetime ttl (default 60 s; make it about three refresh periods).
func NewRedisPresence(rdb redis.UniversalClient, prefix string, ttl time.Duration) *RedisPresence {
	if prefix == "" {
		prefix = "haven:"
	}
	setDur(&ttl, 60*time.Second)
	return &RedisPresence{rdb: rdb, prefix: prefix, ttl: ttl, now: time.Now}
}

func (r *RedisPresence) key(id int64) string {
	return r.prefix + "presence:" + strconv.FormatInt(id, 10)
}

// presenceSetScript writes a node's field, bumps the version (never below
// now in µs, so a re-created hash does not go back), drops lapsed fields and
// returns the aggregate state and the version, atomically.
var presenceSetScript = redis.NewScript(`
local key, node, st, now, ttl = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
if st == '0' then
  redis.call('HDEL', key, node)
else
  redis.call('HSET', key, node, st .. ':' .. string.format('%d', now + ttl))
end
local v = tonumber(redis.call('HGET', key, '_v') or '0') + 1
if v < now * 1000 then v = now * 1000 end
local vs = string.format('%d', v)
redis.call('HSET', key, '_v', vs)
local best = 0
local all = redis.call('HGETALL', key)
for i = 1, #all, 2 do
  if all[i] ~= '_v' then
    local s, e = string.match(all[i + 1], '^(%d):(%d+)$')
    if s and tonumber(e) > now then
      s = tonumber(s)
      if s > best then best = s end
    else
      redis.call('HDEL', key, all[i])
    end
  end
end
redis.call('PEXPIRE', key, 2 * ttl)
return {best, vs}
`)

// Set implements PresenceStore.
func (r *RedisPresence) Set(ctx context.Context, node string, userID int64, s PresenceState) (Presence, error) {
	now := r.now().UnixMilli()
	res, err := presenceSetScript.Run(ctx, r.rdb, []string{r.key(userID)},
		node, int(s), now, r.ttl.Milliseconds()).Slice()
	if err != nil {
		return Presence{}, fmt.Errorf("signaling: presence set: %w", err)
	}
	if len(res) != 2 {
		return Presence{}, fmt.Errorf("signaling: presence set: unexpected reply")
	}
	best, _ := res[0].(int64)
	vs, _ := res[1].(string)
	v, err := strconv.ParseInt(vs, 10, 64)
	if err != nil || best < 0 || best > int64(Online) {
		return Presence{}, fmt.Errorf("signaling: presence set: unexpected reply")
	}
	return Presence{State: PresenceState(best), Version: v}, nil
}

// Refresh implements PresenceStore: one pipelined write per user.
func (r *RedisPresence) Refresh(ctx context.Context, node string, states map[int64]PresenceState) error {
	if len(states) == 0 {
		return nil
	}
	exp := strconv.FormatInt(r.now().Add(r.ttl).UnixMilli(), 10)
	pipe := r.rdb.Pipeline()
	for id, s := range states {
		if s == Offline {
			continue
		}
		k := r.key(id)
		pipe.HSet(ctx, k, node, strconv.Itoa(int(s))+":"+exp)
		pipe.PExpire(ctx, k, 2*r.ttl)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("signaling: presence refresh: %w", err)
	}
	return nil
}

// Get implements PresenceStore: one pipelined read per user.
func (r *RedisPresence) Get(ctx context.Context, userIDs []int64) (map[int64]Presence, error) {
	out := make(map[int64]Presence, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	pipe := r.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(userIDs))
	for i, id := range userIDs {
		cmds[i] = pipe.HGetAll(ctx, r.key(id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("signaling: presence get: %w", err)
	}
	now := r.now().UnixMilli()
	for i, id := range userIDs {
		out[id] = parsePresenceHash(cmds[i].Val(), now)
	}
	return out, nil
}

// parsePresenceHash aggregates a presence hash, ignoring lapsed fields.
func parsePresenceHash(fields map[string]string, now int64) Presence {
	var p Presence
	for f, v := range fields {
		if f == "_v" {
			p.Version, _ = strconv.ParseInt(v, 10, 64)
			continue
		}
		st, exp, ok := strings.Cut(v, ":")
		e, err := strconv.ParseInt(exp, 10, 64)
		if !ok || err != nil || e <= now || len(st) != 1 || st[0] < '0' || st[0] > '2' {
			continue
		}
		p.State = max(p.State, PresenceState(st[0]-'0'))
	}
	return p
}
