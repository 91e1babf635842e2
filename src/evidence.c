/*
 * evidence.c: content-addressed evidence files.  The bytes of an upload
 * live in DATA/evidence/<first two hex digits>/<sha256 hex>, written once
 * and never changed: a file's name is the proof of its content, so two
 * uploads of the same report share one file, and a reference by digest
 * (declarations, lab reports, labels) can never come to mean other bytes.
 * Directories are 0700 and files 0400: evidence is confidential between
 * the vendor, its lab and the regulator, and read-only once written.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labeld.h"
#include "crypto.h"

#define EVIDENCE_DIR		"evidence"
#define EVIDENCE_DIR_MODE	0700
#define EVIDENCE_FILE_MODE	0400
#define EVIDENCE_READ_CHUNK	(64 * 1024)

static int	fsync_dir(const char *path);
static int	ensure_dir(const char *path, const char *parent);
static int	write_all(int fd, const void *buf, size_t len);
static int	same_content(const char *path, const void *buf, size_t len);
static int	evidence_paths(const char *data_dir, const char *hex,
		    char *top, char *sub, char *file);

static int
fsync_dir(const char *path)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Makes directory path (mode 0700) when absent.  Its entry is made
 * durable by syncing its parent, or a crash could lose a directory that
 * already holds a file acknowledged to a client.  An existing one is
 * synced too: a concurrent put may have made it and not synced it yet.
 */
static int
ensure_dir(const char *path, const char *parent)
{
	struct stat sb;

	if (mkdir(path, EVIDENCE_DIR_MODE) == 0) {
		/* mkdir applies the umask; the mode must not depend on it. */
		if (chmod(path, EVIDENCE_DIR_MODE) == -1)
			return -1;
		return fsync_dir(parent);
	}
	if (errno != EEXIST || lstat(path, &sb) == -1)
		return -1;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return fsync_dir(parent);
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * 1 when path is a regular file holding exactly the len bytes of buf.
 * Comparing costs little next to the upload, and a damaged file (bit rot,
 * a manual edit) is then replaced instead of trusted because of its name.
 */
static int
same_content(const char *path, const void *buf, size_t len)
{
	char		 chunk[EVIDENCE_READ_CHUNK];
	const char	*p = buf;
	struct stat	 sb;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd, same = 0;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return 0;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size != (uint64_t)len)
		goto done;
	while (off < len) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0 || (size_t)n > len - off ||
		    memcmp(chunk, p + off, (size_t)n) != 0)
			goto done;
		off += (size_t)n;
	}
	same = read(fd, chunk, 1) == 0;
done:
	close(fd);
	return same;
}

/* DATA/evidence, DATA/evidence/ab, DATA/evidence/ab/abcd... (PATH_MAX). */
static int
evidence_paths(const char *data_dir, const char *hex, char *top, char *sub,
    char *file)
{
	if (snprintf(top, PATH_MAX, "%s/%s", data_dir, EVIDENCE_DIR) >=
	    PATH_MAX ||
	    snprintf(sub, PATH_MAX, "%s/%.2s", top, hex) >= PATH_MAX ||
	    snprintf(file, PATH_MAX, "%s/%s", sub, hex) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Stores the len bytes of buf (already in memory, at most the upload
 * limit) as DATA/evidence/ab/abcdef... named by their SHA-256, and writes
 * the lowercase hex digest to sha256_hex.  Content already stored intact
 * is not written again.  A new file is written to a temporary name in the
 * same directory, synced, renamed into place and its directory synced:
 * on return the content is on disk, and at no time can a reader see a
 * partial file under the final name.  Concurrent puts of the same content
 * are safe (rename replaces atomically with the same bytes).  Returns 0,
 * or -1 with a message in err and nothing left behind.
 */
int
evidence_put(const char *data_dir, const void *buf, size_t len,
    char sha256_hex[65], char *err, size_t errlen)
{
	char	 top[PATH_MAX], sub[PATH_MAX], file[PATH_MAX], tmp[PATH_MAX];
	char	 rnd[17];
	uint8_t	 digest[32], r[8];
	int	 fd = -1;

	assert(data_dir != NULL && (buf != NULL || len == 0));
	lc_sha256(buf, len, digest);
	lc_hex(digest, sizeof(digest), sha256_hex);
	if (evidence_paths(data_dir, sha256_hex, top, sub, file) == -1) {
		snprintf(err, errlen, "%s: data dir path too long", data_dir);
		return -1;
	}
	if (ensure_dir(top, data_dir) == -1 || ensure_dir(sub, top) == -1) {
		snprintf(err, errlen, "%s: %s", sub, strerror(errno));
		return -1;
	}
	if (same_content(file, buf, len)) {
		/*
		 * Its entry may not be durable yet: a concurrent put renamed
		 * it and has not synced the directory, or an earlier put
		 * failed to.  Only a synced entry may be reported stored.
		 */
		if (fsync_dir(sub) == -1) {
			snprintf(err, errlen, "%s: %s", sub, strerror(errno));
			return -1;
		}
		return 0;
	}
	lc_random(r, sizeof(r));
	lc_hex(r, sizeof(r), rnd);
	if (snprintf(tmp, sizeof(tmp), "%s/.tmp-%s", sub, rnd) >=
	    (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", sub);
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, EVIDENCE_FILE_MODE)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	/* The mode must not depend on the umask the daemon was started with. */
	if (fchmod(fd, EVIDENCE_FILE_MODE) == -1 ||
	    write_all(fd, buf, len) == -1 || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, file) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		goto fail;
	}
	if (fsync_dir(sub) == -1) {
		/*
		 * The file is complete under its name, but its entry may not
		 * survive a crash: report failure so that no client is told
		 * it is stored.  Leaving it is harmless (content-addressed).
		 */
		snprintf(err, errlen, "%s: %s", sub, strerror(errno));
		return -1;
	}
	return 0;
fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}

/*
 * Opens the stored content named by sha256_hex (64 lowercase hex digits)
 * for reading: *fd (the caller closes it) and *size.  Returns -1 when the
 * name is not a digest or no such content is stored.
 */
int
evidence_open(const char *data_dir, const char *sha256_hex, int *fd,
    size_t *size)
{
	char		 top[PATH_MAX], sub[PATH_MAX], file[PATH_MAX];
	struct stat	 sb;
	int		 f;

	*fd = -1;
	*size = 0;
	if (!evidence_digest_ok(sha256_hex) ||
	    evidence_paths(data_dir, sha256_hex, top, sub, file) == -1)
		return -1;
	if ((f = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(f, &sb) == -1 || !S_ISREG(sb.st_mode) || sb.st_size < 0) {
		close(f);
		return -1;
	}
	*fd = f;
	*size = (size_t)sb.st_size;
	return 0;
}

/* 1 when s is a SHA-256 digest as files are named: 64 lowercase hex digits. */
int
evidence_digest_ok(const char *s)
{
	size_t n = 0;

	for (; s != NULL && s[n] != '\0'; n++)
		if ((s[n] < '0' || s[n] > '9') && (s[n] < 'a' || s[n] > 'f'))
			return 0;
	return s != NULL && n == 64;
}
