/* Forced into every C file of the glibc 2.28 build (gcc -include glibc228.h; scripts/build-compat.sh).
 *
 * The build runs on Debian 11 (glibc 2.31), whose <math.h> binds these functions to the GLIBC_2.29
 * versions (new, faster code without the old error handling). The GLIBC_2.2.5 versions are still in every
 * libm, so binding to them makes the result run on glibc 2.28 (UOS 20, Kylin V10 SP3) with the same
 * results for finite arguments. */
#if defined(__x86_64__) && defined(__linux__) /* not __GLIBC__: nothing is included yet */
__asm__(".symver exp,exp@GLIBC_2.2.5");
__asm__(".symver log,log@GLIBC_2.2.5");
__asm__(".symver pow,pow@GLIBC_2.2.5");
__asm__(".symver exp2,exp2@GLIBC_2.2.5");
__asm__(".symver log2,log2@GLIBC_2.2.5");
#endif
