package redistest

import "syscall"

// dieWithTest makes a server the kernel kills when the test process ends,
// however it ends: a test binary stopped by -timeout's panic runs no
// cleanup, and would leave its servers running.
func dieWithTest() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
