// Probe: does the subscriber's read-only mapping of a payload pool slow a cross-core handoff?
//
// The pub/sub handoff protocol of `c-pubsub-protocol` (Sources/CInterprocessBench/PubSubProtocol.c),
// ping-pong between two processes pinned to CPUs 0 and 1, with the payload pool:
//   mode 0: inside the control mapping (read-write for both, as the bench's C model);
//   mode 1: a separate memfd per service, mapped read-write by its publisher and READ-ONLY by
//           its subscriber (what `Service` does);
//   mode 2: the same separate memfds, mapped read-write by both;
//   +10:    the publisher also prefetches (for write) the next slot's lines after publishing.
// Build and run: cc -O2 -march=native -o probe readonly-mapping.c && for m in 0 1 11 2 12; do ./probe $m; done
// Result on the issue-9 VM (BENCHMARKS.md): modes 0 and 2 ~60–66 ns one way, mode 1 ~95–110 ns;
// the prefetch changes nothing. Not part of any build.
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>

typedef struct { uint64_t sequence; uint32_t slot, byte_count; uint64_t tag; uint64_t pins; unsigned char pad[96]; } rec;
typedef struct { rec records[2]; uint64_t head; unsigned char hp[120]; uint64_t cursor, received; unsigned char cp[112]; } svc;

static int prefetch_next;
static uint64_t now(void){ struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec*1000000000ull+t.tv_nsec; }
static void pin(int cpu){ cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu,&s); sched_setaffinity(0,sizeof s,&s); }

static inline void publish(svc *s, volatile uint64_t *pool, uint64_t sample){
    uint64_t slot = sample & 1; volatile uint64_t *p = pool + slot*16 + 8; /* payload line after a header line */
    pool[slot*16+0] = sample; pool[slot*16+1] = 8;
    p[0] = sample;
    rec *r = &s->records[slot]; r->byte_count = 8; r->slot = slot;
    __atomic_exchange_n(&r->sequence, sample, __ATOMIC_SEQ_CST);
    __atomic_store_n(&s->head, sample+1, __ATOMIC_RELEASE);
    rec *n = &s->records[(sample+1)&1];
    __atomic_exchange_n(&n->tag, sample+1, __ATOMIC_SEQ_CST);
    (void)__atomic_load_n(&n->pins, __ATOMIC_SEQ_CST);
    if (prefetch_next) { __builtin_prefetch((const void*)(pool + ((sample+1)&1)*16), 1, 3); __builtin_prefetch((const void*)(pool + ((sample+1)&1)*16 + 8), 1, 3); }
}
static inline uint64_t take(svc *s, const volatile uint64_t *pool, uint64_t sample){
    rec *r = &s->records[sample&1];
    while (__atomic_load_n(&r->sequence, __ATOMIC_ACQUIRE) != sample) __builtin_ia32_pause();
    __atomic_fetch_or(&r->pins, 1, __ATOMIC_SEQ_CST);
    uint64_t tag = __atomic_load_n(&r->tag, __ATOMIC_SEQ_CST);
    uint64_t v = tag == sample ? pool[(sample&1)*16+8] : ~0ull;
    s->received++; __atomic_store_n(&s->cursor, sample+1, __ATOMIC_RELAXED);
    __atomic_fetch_and(&r->pins, ~1ull, __ATOMIC_RELEASE);
    return v;
}
static int cmp(const void*a,const void*b){ uint64_t x=*(uint64_t*)a,y=*(uint64_t*)b; return x<y?-1:x>y; }

int main(int argc, char **argv){
    int mode = atoi(argv[1]); if (mode >= 10) { prefetch_next = 1; mode -= 10; } /* 0: pools in control mapping; 1: separate pool segs, subscriber RO; 2: separate, RW */
    long rounds = 2000000;
    size_t csz = 2*sizeof(svc) + 2*4096;
    int cfd = memfd_create("ctl",0); ftruncate(cfd, csz);
    char *ctl = mmap(0,csz,PROT_READ|PROT_WRITE,MAP_SHARED,cfd,0); memset(ctl,0,csz);
    svc *ping=(svc*)ctl, *pong=ping+1;
    for(int i=0;i<2;i++){ for(int k=0;k<2;k++){ (ping+i)->records[k].sequence=~0ull; (ping+i)->records[k].tag=~0ull;} (ping+i)->records[1].tag=1; }
    int pfd[2]; uint64_t *inpool[2];
    for(int i=0;i<2;i++){ pfd[i]=memfd_create("pool",0); ftruncate(pfd[i],4096); }
    uint64_t *samples = malloc(rounds*8);
    pid_t child = fork();
    int me = child==0 ? 1 : 0; /* 0 publishes ping (pool 0), reads pong (pool 1) */
    pin(me);
    uint64_t *mine, *theirs;
    if (mode==0){ mine = (uint64_t*)(ctl+2*sizeof(svc)+me*4096); theirs=(uint64_t*)(ctl+2*sizeof(svc)+(1-me)*4096); }
    else {
        mine = mmap(0,4096,PROT_READ|PROT_WRITE,MAP_SHARED,pfd[me],0);
        theirs = mmap(0,4096,mode==1?PROT_READ:(PROT_READ|PROT_WRITE),MAP_SHARED,pfd[1-me],0);
    }
    (void)inpool;
    if (me==0){
        uint64_t t0=now();
        for(long i=1;i<rounds;i++){ publish(ping,mine,i); if(take(pong,theirs,i)!=(uint64_t)i) {printf("bad\n");return 1;} uint64_t t=now(); samples[i]=t-t0; t0=t; }
        waitpid(child,0,0);
        qsort(samples+rounds/10, rounds-rounds/10, 8, cmp);
        long n=rounds-rounds/10; printf("mode %d%s one-way p50 %.0f p99 %.0f ns\n", mode, prefetch_next ? " +prefetchw" : "", samples[rounds/10+n/2]/2.0, samples[rounds/10+n*99/100]/2.0);
    } else {
        for(long i=1;i<rounds;i++){ if(take(ping,theirs,i)!=(uint64_t)i){printf("bad child\n");_exit(1);} publish(pong,mine,i); }
        _exit(0);
    }
    return 0;
}
