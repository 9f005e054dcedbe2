package ratelimit

import (
	"math"
	"strconv"

	"github.com/apierror/apierror/errresp"
)

// Quota checks a request against an account quota whose numbers the handler
// supplies: usage is what the account holds now, requested what the request
// would add, limit what the quota allows. It returns nil when usage +
// requested fits within limit (or requested is not positive), and otherwise an *errresp.Error of kind
// QuotaExceeded whose Info carries "quota" (the name), "usage",
// "requested", "requested_total" (usage + requested) and "limit", so the
// client sees the exact numbers (Gcore's QuotaLimitExceed, 403 by default).
//
// Quota is a check on counts the service keeps, such as "volumes per
// project"; it takes nothing from a Store.
func Quota(name string, usage, requested, limit int64) error {
	usage = max(usage, 0)
	if requested <= 0 || (usage <= limit && requested <= limit-usage) {
		return nil
	}
	total := usage + requested
	if total < usage {
		total = math.MaxInt64 // saturate rather than wrap
	}
	msg := "The request would exceed the " + name + " quota: " + strconv.FormatInt(usage, 10) + " in use, " +
		strconv.FormatInt(requested, 10) + " requested, limit " + strconv.FormatInt(limit, 10) + "."
	return errresp.New(errresp.QuotaExceeded, msg).
		With("quota", name).With("usage", usage).With("requested", requested).
		With("requested_total", total).With("limit", limit)
}
