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
// TotalAlloc and NumGC. __offsyncMemProf('inuse') answers the bytes live after a collection
// instead, by the same stacks (what a step holds at once, e.g. while a push is under way).
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
		inuse := len(args) > 0 && args[0].Type() == js.TypeString && args[0].String() == "inuse"
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
			if inuse {
				agg[strings.Join(names, " <- ")] += r.InUseBytes()
			} else {
				agg[strings.Join(names, " <- ")] += r.AllocBytes
			}
		}
		from := base // the reset's counts; none for live bytes
		if inuse {
			from = nil
		}
		agg[" TotalAlloc"] = int64(ms.TotalAlloc)
		agg[" NumGC"] = int64(ms.NumGC)
		if len(args) > 0 && args[0].Truthy() && !inuse {
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
			if d := v - from[k]; d > 0 {
				out = append(out, kv{k, d})
				total += d
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].v > out[j].v })
		var sb strings.Builder
		if inuse {
			sb.WriteString("live after a collection: " + strconv.FormatInt(total>>10, 10) + " KiB\n")
		} else {
			sb.WriteString("TotalAlloc " + strconv.FormatInt((agg[" TotalAlloc"]-from[" TotalAlloc"])>>10, 10) + " KiB, NumGC " + strconv.FormatInt(agg[" NumGC"]-from[" NumGC"]-1, 10) + " (+1 for this call), profiled " + strconv.FormatInt(total>>10, 10) + " KiB\n")
		}
		for i, e := range out {
			if i == 30 {
				break
			}
			sb.WriteString(strconv.FormatInt(e.v>>10, 10) + " KiB  " + e.k + "\n")
		}
		return sb.String()
	}))
}
