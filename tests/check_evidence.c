/*
 * check_evidence: the content-addressed evidence files of evidence.c:
 * names are SHA-256 digests, identical content is stored once, a damaged
 * file is replaced, nothing partial is ever left or visible, and modes are
 * exact whatever the umask.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "labeld.h"
#include "crypto.h"

#define HELLO_SHA256 \
	"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
#define EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define THREADS		8
#define BIG		(1024 * 1024 + 17)	/* not a multiple of any chunk */

static char	 tmpdir[64];

/*
 * fsync is interposed (evidence.c is linked in statically) to record what
 * was synced, by device and inode: durability cannot be seen otherwise.
 */
#define MAX_SYNCED	64
static pthread_mutex_t	 synced_lock = PTHREAD_MUTEX_INITIALIZER;
static struct stat	 synced[MAX_SYNCED];
static int		 nsynced;

int
fsync(int fd)
{
	struct stat sb;

	if (fstat(fd, &sb) == 0) {
		pthread_mutex_lock(&synced_lock);
		if (nsynced < MAX_SYNCED)
			synced[nsynced++] = sb;
		pthread_mutex_unlock(&synced_lock);
	}
	return (int)syscall(SYS_fsync, fd);
}

/* 1 when path was synced since nsynced was last set to 0. */
static int
was_synced(const char *path)
{
	struct stat	 sb;
	int		 found = 0;

	ck_assert_int_eq(stat(path, &sb), 0);
	pthread_mutex_lock(&synced_lock);
	for (int i = 0; i < nsynced; i++)
		if (synced[i].st_dev == sb.st_dev &&
		    synced[i].st_ino == sb.st_ino)
			found = 1;
	pthread_mutex_unlock(&synced_lock);
	return found;
}

static void
setup(void)
{
	ck_assert_int_eq(lc_init(), 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-evidence.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s; rm -rf %s", tmpdir,
	    tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
path_of(const char *hex, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/evidence/%.2s/%s", tmpdir, hex, hex);
}

/* Reads all of fd (size bytes expected) into a malloc'd buffer. */
static char *
slurp(int fd, size_t size)
{
	char	*buf = malloc(size + 1);
	size_t	 off = 0;
	ssize_t	 n;

	ck_assert_ptr_nonnull(buf);
	while ((n = read(fd, buf + off, size + 1 - off)) > 0)
		off += (size_t)n;
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(off, size);
	return buf;
}

/* Entries of dir but . and ..; those named .tmp* also counted in *tmps. */
static int
count_entries(const char *dir, int *tmps)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		 n = 0;

	ck_assert_ptr_nonnull(d);
	*tmps = 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		if (strncmp(e->d_name, ".tmp", 4) == 0)
			(*tmps)++;
	}
	closedir(d);
	return n;
}

START_TEST(named_by_sha256)
{
	char	 hex[65], err[256], path[512];
	char	*got;
	size_t	 size;
	int	 fd;

	ck_assert_int_eq(evidence_put(tmpdir, "hello", 5, hex, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(hex, HELLO_SHA256);
	path_of(hex, path, sizeof(path));
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(evidence_open(tmpdir, hex, &fd, &size), 0);
	ck_assert_uint_eq(size, 5);
	got = slurp(fd, size);
	ck_assert_mem_eq(got, "hello", 5);
	free(got);
	close(fd);
}
END_TEST

START_TEST(empty_content)
{
	char	 hex[65], err[256];
	size_t	 size = 99;
	int	 fd;

	ck_assert_int_eq(evidence_put(tmpdir, "", 0, hex, err, sizeof(err)),
	    0);
	ck_assert_str_eq(hex, EMPTY_SHA256);
	ck_assert_int_eq(evidence_open(tmpdir, hex, &fd, &size), 0);
	ck_assert_uint_eq(size, 0);
	close(fd);
}
END_TEST

START_TEST(large_content_round_trip)
{
	char	 hex[65], want[65], err[256];
	uint8_t	 h[32];
	char	*buf = malloc(BIG), *got;
	size_t	 size;
	int	 fd;

	ck_assert_ptr_nonnull(buf);
	lc_random(buf, BIG);
	lc_sha256(buf, BIG, h);
	lc_hex(h, sizeof(h), want);
	ck_assert_int_eq(evidence_put(tmpdir, buf, BIG, hex, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(hex, want);
	ck_assert_int_eq(evidence_open(tmpdir, hex, &fd, &size), 0);
	ck_assert_uint_eq(size, BIG);
	got = slurp(fd, size);
	ck_assert(memcmp(got, buf, BIG) == 0);
	close(fd);
	free(got);
	free(buf);
}
END_TEST

START_TEST(same_content_stored_once)
{
	char		 hex[65], hex2[65], err[256], path[512], sub[512];
	struct stat	 a, b;
	int		 tmps;

	ck_assert_int_eq(evidence_put(tmpdir, "hello", 5, hex, err,
	    sizeof(err)), 0);
	path_of(hex, path, sizeof(path));
	ck_assert_int_eq(stat(path, &a), 0);
	ck_assert_int_eq(evidence_put(tmpdir, "hello", 5, hex2, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(hex, hex2);
	ck_assert_int_eq(stat(path, &b), 0);
	/* Not rewritten: the same inode, untouched. */
	ck_assert_uint_eq(a.st_ino, b.st_ino);
	ck_assert_int_eq(a.st_mtime, b.st_mtime);
	snprintf(sub, sizeof(sub), "%s/evidence/%.2s", tmpdir, hex);
	ck_assert_int_eq(count_entries(sub, &tmps), 1);
	ck_assert_int_eq(tmps, 0);
}
END_TEST

/*
 * Content or directories found in place may not be durable yet (a
 * concurrent put made them and has not synced, or an earlier put failed
 * to): a put reports success only once every entry on the path is synced.
 */
START_TEST(found_entries_are_synced)
{
	char	 hex[65], err[256], path[512];

	ck_assert_int_eq(evidence_put(tmpdir, "hello", 5, hex, err,
	    sizeof(err)), 0);
	nsynced = 0;
	ck_assert_int_eq(evidence_put(tmpdir, "hello", 5, hex, err,
	    sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/evidence/%.2s", tmpdir, hex);
	ck_assert(was_synced(path));

	/* Directories another put has just made. */
	snprintf(path, sizeof(path), "%s/evidence/e3", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	nsynced = 0;
	ck_assert_int_eq(evidence_put(tmpdir, "", 0, hex, err, sizeof(err)),
	    0);
	ck_assert_str_eq(hex, EMPTY_SHA256);
	ck_assert(was_synced(tmpdir));
	snprintf(path, sizeof(path), "%s/evidence", tmpdir);
	ck_assert(was_synced(path));
	snprintf(path, sizeof(path), "%s/evidence/e3", tmpdir);
	ck_assert(was_synced(path));
}
END_TEST

START_TEST(damaged_file_is_replaced)
{
	char	 hex[65], err[256], path[512];
	char	*got;
	size_t	 size;
	int	 fd;

	ck_assert_int_eq(evidence_put(tmpdir, "hello", 5, hex, err,
	    sizeof(err)), 0);
	path_of(hex, path, sizeof(path));
	/* Same size, other bytes: only a comparison of content finds it. */
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_ge(fd = open(path, O_WRONLY | O_TRUNC), 0);
	ck_assert_int_eq(write(fd, "HELLO", 5), 5);
	close(fd);
	ck_assert_int_eq(evidence_put(tmpdir, "hello", 5, hex, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(evidence_open(tmpdir, hex, &fd, &size), 0);
	got = slurp(fd, size);
	ck_assert_mem_eq(got, "hello", 5);
	free(got);
	close(fd);
}
END_TEST

START_TEST(modes_ignore_umask)
{
	static const mode_t masks[] = { 0, 022, 077, 0777 };
	char		 hex[65], err[256], path[512], cmd[256], data[16];
	struct stat	 sb;

	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		mode_t old = umask(masks[i]);

		/* Each round makes evidence/, its subdirectory and the file. */
		snprintf(data, sizeof(data), "round %zu", i);
		ck_assert_int_eq(evidence_put(tmpdir, data, strlen(data), hex,
		    err, sizeof(err)), 0);
		umask(old);
		path_of(hex, path, sizeof(path));
		ck_assert_int_eq(stat(path, &sb), 0);
		ck_assert(S_ISREG(sb.st_mode));
		ck_assert_uint_eq(sb.st_mode & 07777, 0400);
		snprintf(path, sizeof(path), "%s/evidence/%.2s", tmpdir, hex);
		ck_assert_int_eq(stat(path, &sb), 0);
		ck_assert_uint_eq(sb.st_mode & 07777, 0700);
		snprintf(path, sizeof(path), "%s/evidence", tmpdir);
		ck_assert_int_eq(stat(path, &sb), 0);
		ck_assert_uint_eq(sb.st_mode & 07777, 0700);
		snprintf(cmd, sizeof(cmd), "rm -rf %s/evidence", tmpdir);
		ck_assert_int_eq(system(cmd), 0);
	}
}
END_TEST

START_TEST(failed_put_leaves_nothing)
{
	char	 hex[65], err[256], path[512], sub[512];
	int	 tmps;

	/* A directory where the file must go makes the rename fail. */
	snprintf(sub, sizeof(sub), "%s/evidence", tmpdir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/evidence/2c", tmpdir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	path_of(HELLO_SHA256, path, sizeof(path));
	ck_assert_int_eq(mkdir(path, 0700), 0);
	err[0] = '\0';
	ck_assert_int_eq(evidence_put(tmpdir, "hello", 5, hex, err,
	    sizeof(err)), -1);
	ck_assert(err[0] != '\0');
	ck_assert_int_eq(count_entries(sub, &tmps), 1);
	ck_assert_int_eq(tmps, 0);
}
END_TEST

START_TEST(unusable_data_dir)
{
	char	 hex[65], err[256], path[512];
	FILE	*f;

	/* evidence/ is a file: no directory can be made. */
	snprintf(path, sizeof(path), "%s/evidence", tmpdir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fclose(f);
	err[0] = '\0';
	ck_assert_int_eq(evidence_put(tmpdir, "hello", 5, hex, err,
	    sizeof(err)), -1);
	ck_assert(strstr(err, "evidence") != NULL);
}
END_TEST

START_TEST(open_refuses_bad_names)
{
	static const char *const bad[] = {
		"", "2cf24dba", "../../../../etc/passwd",
		"2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824",
		HELLO_SHA256 "0", "2c/" HELLO_SHA256,
	};
	char	 hex[65], err[256];
	size_t	 size;
	int	 fd;

	ck_assert_int_eq(evidence_put(tmpdir, "hello", 5, hex, err,
	    sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(evidence_open(tmpdir, bad[i], &fd, &size), -1);
		ck_assert_int_eq(fd, -1);
	}
	/* Well formed but never stored. */
	ck_assert_int_eq(evidence_open(tmpdir, EMPTY_SHA256, &fd, &size), -1);
}
END_TEST

START_TEST(digest_names)
{
	char	 h[65];

	memset(h, 'a', 64);
	h[64] = '\0';
	ck_assert_int_eq(evidence_digest_ok(h), 1);
	h[0] = 'A';
	ck_assert_int_eq(evidence_digest_ok(h), 0);
	h[0] = 'g';
	ck_assert_int_eq(evidence_digest_ok(h), 0);
	h[0] = '0';
	h[63] = '\0';
	ck_assert_int_eq(evidence_digest_ok(h), 0);
	ck_assert_int_eq(evidence_digest_ok(""), 0);
	ck_assert_int_eq(evidence_digest_ok(NULL), 0);
}
END_TEST

START_TEST(open_refuses_symlink)
{
	char	 hex[65], err[256], path[512];
	size_t	 size;
	int	 fd;

	ck_assert_int_eq(evidence_put(tmpdir, "hello", 5, hex, err,
	    sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/evidence/e3", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	path_of(EMPTY_SHA256, path, sizeof(path));
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	ck_assert_int_eq(evidence_open(tmpdir, EMPTY_SHA256, &fd, &size), -1);
}
END_TEST

struct racer {
	const char	*buf;
	size_t		 len;
	int		 rc;
	char		 hex[65];
};

static void *
race(void *arg)
{
	struct racer	*r = arg;
	char		 err[256];

	r->rc = evidence_put(tmpdir, r->buf, r->len, r->hex, err, sizeof(err));
	return NULL;
}

START_TEST(concurrent_puts_of_same_content)
{
	pthread_t	 th[THREADS];
	struct racer	 rs[THREADS];
	char		*buf = malloc(BIG), sub[512], *got;
	size_t		 size;
	int		 fd, tmps;

	ck_assert_ptr_nonnull(buf);
	lc_random(buf, BIG);
	for (int i = 0; i < THREADS; i++) {
		rs[i].buf = buf;
		rs[i].len = BIG;
		ck_assert_int_eq(pthread_create(&th[i], NULL, race, &rs[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(rs[i].rc, 0);
		ck_assert_str_eq(rs[i].hex, rs[0].hex);
	}
	ck_assert_int_eq(evidence_open(tmpdir, rs[0].hex, &fd, &size), 0);
	ck_assert_uint_eq(size, BIG);
	got = slurp(fd, size);
	ck_assert(memcmp(got, buf, BIG) == 0);
	close(fd);
	snprintf(sub, sizeof(sub), "%s/evidence/%.2s", tmpdir, rs[0].hex);
	ck_assert_int_eq(count_entries(sub, &tmps), 1);
	ck_assert_int_eq(tmps, 0);
	free(got);
	free(buf);
}
END_TEST

static Suite *
evidence_suite(void)
{
	Suite	*s = suite_create("evidence");
	TCase	*tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, named_by_sha256);
	tcase_add_test(tc, empty_content);
	tcase_add_test(tc, large_content_round_trip);
	tcase_add_test(tc, same_content_stored_once);
	tcase_add_test(tc, found_entries_are_synced);
	tcase_add_test(tc, damaged_file_is_replaced);
	tcase_add_test(tc, modes_ignore_umask);
	tcase_add_test(tc, failed_put_leaves_nothing);
	tcase_add_test(tc, unusable_data_dir);
	tcase_add_test(tc, open_refuses_bad_names);
	tcase_add_test(tc, digest_names);
	tcase_add_test(tc, open_refuses_symlink);
	tcase_add_test(tc, concurrent_puts_of_same_content);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(evidence_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
