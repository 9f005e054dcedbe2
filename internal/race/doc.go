// Package race tells the module's tests whether they run under the race
// detector, so that a test whose size buys nothing under it (a flood of a
// million keys from one goroutine, a long table of fuzz seeds) runs smaller
// there and at full size in the suite's pass without it. A test that
// exercises concurrency keeps its size under the race detector: that is
// where the detector earns its time.
package race

// Size returns full, or underRace when the race detector is on. A test
// that scales itself down this way must still assert everything it asserts
// at full size.
func Size(full, underRace int) int {
	if Enabled {
		return underRace
	}
	return full
}
