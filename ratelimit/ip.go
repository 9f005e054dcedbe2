package ratelimit

import (
	"iter"
	"net/http"
	"net/netip"
	"strings"
)

// IPOption configures how ByIP finds and groups the client's address.
type IPOption func(*ipConfig)

type ipConfig struct {
	trusted []netip.Prefix
	hops    int
	v4bits  int
	v6bits  int
}

// IPTrustProxies declares the proxies in front of the service by address or
// CIDR ("10.0.0.0/8", "2001:db8::1"). When the peer (RemoteAddr) is one of
// them, the client is the right-most X-Forwarded-For address that is not;
// from any other peer X-Forwarded-For is ignored, so a client cannot choose
// its own key. It panics on a malformed prefix.
func IPTrustProxies(cidrs ...string) IPOption {
	prefixes := make([]netip.Prefix, 0, len(cidrs))
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			a, aerr := netip.ParseAddr(c)
			if aerr != nil {
				panic("apierror/ratelimit: IPTrustProxies: " + err.Error())
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		prefixes = append(prefixes, p.Masked())
	}
	return func(c *ipConfig) { c.trusted = append(c.trusted, prefixes...) }
}

// IPTrustHops declares that exactly n proxies stand in front of the service,
// each appending the address it received from to X-Forwarded-For: the client
// is the n-th address from the right. A request with fewer addresses did not
// come through the proxies and is keyed by its peer. It panics unless n is
// positive.
func IPTrustHops(n int) IPOption {
	if n <= 0 {
		panic("apierror/ratelimit: IPTrustHops: the hop count must be positive")
	}
	return func(c *ipConfig) { c.hops = n }
}

// IPv6Prefix sets how many leading bits of an IPv6 address identify one
// client (64 by default: a host usually holds a whole /64). It panics outside
// 1 to 128.
func IPv6Prefix(bits int) IPOption {
	if bits < 1 || bits > 128 {
		panic("apierror/ratelimit: IPv6Prefix: bits must be between 1 and 128")
	}
	return func(c *ipConfig) { c.v6bits = bits }
}

// IPv4Prefix sets how many leading bits of an IPv4 address identify one
// client (32 by default). It panics outside 1 to 32.
func IPv4Prefix(bits int) IPOption {
	if bits < 1 || bits > 32 {
		panic("apierror/ratelimit: IPv4Prefix: bits must be between 1 and 32")
	}
	return func(c *ipConfig) { c.v4bits = bits }
}

// ByIP keys requests by the client's address: the peer's (RemoteAddr)
// unless trusted proxies are declared (IPTrustProxies or IPTrustHops), IPv6
// grouped by /64 and IPv4 by single address unless set otherwise. The key
// is "ip:" and the address, or the masked prefix ("ip:2001:db8:1:2::/64").
// A peer address that does not parse (a Unix socket, a test's "pipe") is
// used as it is.
func ByIP(opts ...IPOption) KeyFunc {
	c := newIPConfig(opts)
	return func(r *http.Request) (string, error) {
		a, ok := c.clientAddr(r)
		if !ok {
			if r.RemoteAddr == "" {
				return "ip:unknown", nil
			}
			return "ip:" + r.RemoteAddr, nil
		}
		var buf [64]byte
		return string(c.appendGroup(append(buf[:0], "ip:"...), a)), nil
	}
}

func newIPConfig(opts []IPOption) *ipConfig {
	c := &ipConfig{v4bits: 32, v6bits: 64}
	for _, o := range opts {
		o(c)
	}
	if c.hops > 0 && len(c.trusted) > 0 {
		panic("apierror/ratelimit: ByIP: IPTrustProxies and IPTrustHops exclude each other")
	}
	return c
}

// appendGroup masks a to the client's prefix and appends it to dst.
func (c *ipConfig) appendGroup(dst []byte, a netip.Addr) []byte {
	bits := c.v4bits
	if a.Is6() {
		bits = c.v6bits
	}
	if bits == a.BitLen() {
		return a.AppendTo(dst)
	}
	p, _ := a.Prefix(bits) // bits is within range for a's family
	return p.AppendTo(dst)
}

// clientAddr returns the client's address as the configuration trusts it.
func (c *ipConfig) clientAddr(r *http.Request) (netip.Addr, bool) {
	peer, ok := parseHostAddr(r.RemoteAddr)
	if !ok {
		return netip.Addr{}, false
	}
	switch {
	case c.hops > 0:
		if a, ok := nthForwarded(r.Header.Values("X-Forwarded-For"), c.hops); ok {
			return a, true
		}
	case len(c.trusted) > 0 && c.isTrusted(peer):
		return c.rightmostUntrusted(r.Header.Values("X-Forwarded-For"), peer), true
	}
	return peer, true
}

func (c *ipConfig) isTrusted(a netip.Addr) bool {
	for _, p := range c.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// rightmostUntrusted walks X-Forwarded-For from the right, past trusted
// proxies, and returns the first address that is not one. When it meets an
// entry that does not parse, which no trusted proxy writes, it stops at the
// last address a trusted proxy vouched for.
func (c *ipConfig) rightmostUntrusted(values []string, peer netip.Addr) netip.Addr {
	last := peer
	for item := range forwardedFromRight(values) {
		a, ok := parseHostAddr(item)
		if !ok {
			return last
		}
		if !c.isTrusted(a) {
			return a
		}
		last = a
	}
	return last
}

// nthForwarded returns the n-th address from the right of the
// X-Forwarded-For values, if there are that many and it parses.
func nthForwarded(values []string, n int) (netip.Addr, bool) {
	for item := range forwardedFromRight(values) {
		if n--; n == 0 {
			return parseHostAddr(item)
		}
	}
	return netip.Addr{}, false
}

// forwardedFromRight yields the comma-separated entries of the
// X-Forwarded-For field lines, right-most (nearest hop) first, trimmed.
func forwardedFromRight(values []string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := len(values) - 1; i >= 0; i-- {
			v := values[i]
			for v != "" {
				item := v
				if j := strings.LastIndexByte(v, ','); j >= 0 {
					item, v = v[j+1:], v[:j]
				} else {
					v = ""
				}
				if !yield(strings.TrimSpace(item)) {
					return
				}
			}
		}
	}
}

// parseHostAddr parses "addr", "addr:port", "[v6]:port" or "[v6]", drops
// an IPv6 zone and unmaps IPv4-mapped IPv6.
func parseHostAddr(s string) (netip.Addr, bool) {
	if len(s) == 0 || len(s) > 64 {
		return netip.Addr{}, false
	}
	var a netip.Addr
	if hasPort(s) {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	} else if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
		return parseHostAddr(s[1 : len(s)-1])
	} else {
		var err error
		if a, err = netip.ParseAddr(s); err != nil {
			return netip.Addr{}, false
		}
	}
	return a.WithZone("").Unmap(), true
}

// hasPort reports whether s looks like "host:port": "[v6]:port", or one
// colon. Trying that parse first spares the error a failed one allocates.
func hasPort(s string) bool {
	if s[0] == '[' {
		return strings.Contains(s, "]:")
	}
	return strings.Count(s, ":") == 1
}
