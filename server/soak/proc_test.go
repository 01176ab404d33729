package soak

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serverBin is the offsync-server binary the runs start (TestMain builds it).
var serverBin string

// buildServer builds cmd/offsync-server into dir, unless OFFSYNC_SOAK_SERVER names a binary.
func buildServer(dir string) (string, error) {
	if p := os.Getenv("OFFSYNC_SOAK_SERVER"); p != "" {
		return p, nil
	}
	bin := filepath.Join(dir, "offsync-server")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/offsync/offsync/cmd/offsync-server")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build offsync-server: %w\n%s", err, out)
	}
	return bin, nil
}

// proc is one running offsync-server process.
type proc struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}

	mu      sync.Mutex
	peakRSS int64 // bytes, VmHWM as last read
}

const startTimeout = 30 * time.Second

// startServer runs offsync-server with args (plus -addr 127.0.0.1:0) and waits for its URL.
func startServer(args ...string) (*proc, error) {
	cmd := exec.Command(serverBin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	rd := bufio.NewReader(stderr)
	line := make(chan string, 1)
	go func() {
		l, _ := rd.ReadString('\n')
		line <- l
		io.Copy(io.Discard, rd)
	}()
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	select {
	case l := <-line:
		u, ok := strings.CutPrefix(strings.TrimSpace(l), "offsync-server listening on ")
		if !ok {
			p.kill()
			return nil, fmt.Errorf("offsync-server: unexpected first line %q", l)
		}
		p.url = u
	case <-time.After(startTimeout):
		p.kill()
		return nil, fmt.Errorf("offsync-server: no listening line within %s", startTimeout)
	}
	go p.sample()
	return p, nil
}

// sample keeps the process's peak resident memory until it exits.
func (p *proc) sample() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		p.readPeak()
		select {
		case <-p.done:
			return
		case <-t.C:
		}
	}
}

func (p *proc) readPeak() {
	if v, ok := procStatus(p.cmd.Process.Pid, "VmHWM"); ok {
		p.mu.Lock()
		p.peakRSS = max(p.peakRSS, v)
		p.mu.Unlock()
	}
}

// peak is the highest resident memory seen, in bytes.
func (p *proc) peak() int64 {
	p.readPeak()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peakRSS
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	p.readPeak()
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// procStatus reads a "kB" field of /proc/PID/status, in bytes.
func procStatus(pid int, field string) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n << 10, err == nil
		}
	}
	return 0, false
}

// resetPeak makes VmHWM start again from the current resident memory (clear_refs 5).
func resetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}
