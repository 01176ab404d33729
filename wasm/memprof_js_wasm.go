//go:build memprof

package main

import (
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall/js"
)

// A build with -tags memprof (bench/memprof.mjs) exports __offsyncMemProf(reset): every
// allocation is recorded, and a call without reset answers the bytes allocated since the last
// reset by the three innermost functions of their stacks outside runtime and syscall/js, with
// TotalAlloc and NumGC.
func init() {
	runtime.MemProfileRate = 1
	base := map[string]int64{}
	js.Global().Set("__offsyncMemProf", js.FuncOf(func(_ js.Value, args []js.Value) any {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		n, _ := runtime.MemProfile(nil, true)
		recs := make([]runtime.MemProfileRecord, n+100)
		n, _ = runtime.MemProfile(recs, true)
		agg := map[string]int64{}
		for _, r := range recs[:n] {
			frames := runtime.CallersFrames(r.Stack())
			var names []string
			for {
				f, more := frames.Next()
				if fn := f.Function; fn != "" && !strings.HasPrefix(fn, "runtime.") && !strings.HasPrefix(fn, "syscall/js.") {
					names = append(names, strings.TrimPrefix(fn, "github.com/offsync/offsync/"))
				}
				if len(names) == 3 || !more {
					break
				}
			}
			agg[strings.Join(names, " <- ")] += r.AllocBytes
		}
		agg[" TotalAlloc"] = int64(ms.TotalAlloc)
		agg[" NumGC"] = int64(ms.NumGC)
		if len(args) > 0 && args[0].Truthy() {
			base = agg
			return ""
		}
		type kv struct {
			k string
			v int64
		}
		var out []kv
		var total int64
		for k, v := range agg {
			if strings.HasPrefix(k, " ") {
				continue
			}
			if d := v - base[k]; d > 0 {
				out = append(out, kv{k, d})
				total += d
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].v > out[j].v })
		var sb strings.Builder
		sb.WriteString("TotalAlloc " + strconv.FormatInt((agg[" TotalAlloc"]-base[" TotalAlloc"])>>10, 10) + " KiB, NumGC " + strconv.FormatInt(agg[" NumGC"]-base[" NumGC"]-1, 10) + " (+1 for this call), profiled " + strconv.FormatInt(total>>10, 10) + " KiB\n")
		for i, e := range out {
			if i == 30 {
				break
			}
			sb.WriteString(strconv.FormatInt(e.v>>10, 10) + " KiB  " + e.k + "\n")
		}
		return sb.String()
	}))
}
