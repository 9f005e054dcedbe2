//go:build !linux

package redistest

import "syscall"

// dieWithTest is nil where the kernel cannot tie a server's life to the
// test process's; cleanups stop the servers there.
func dieWithTest() *syscall.SysProcAttr { return nil }
