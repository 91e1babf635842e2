/*
 * backup.c: a complete copy of a data dir, taken while labeld runs.  The
 * database goes through SQLite's online backup (a consistent snapshot);
 * then every other file of the data dir (the token key, the signing and
 * log keys as they are sealed, evidence, the first admin token) is
 * copied.  Files are only ever added once written (keys, content-
 * addressed evidence), so whatever the snapshot names already exists when
 * the files are copied after it.  The copy is built beside the target
 * and renamed onto it; directories are 0700, files 0600, everything
 * fsynced, so a backup is either whole or absent.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labeld.h"
#include "errfmt.h"

#define BACKUP_MAX_DEPTH	8	/* evidence/ab/cd... is shallower */

/* Not copied: the database (snapshotted), its journals, temporaries. */
static int
skipped(const char *name)
{
	size_t n = strlen(name);

	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strcmp(name, LABELD_DB_FILE) == 0 ||
	    strcmp(name, LABELD_DB_FILE "-wal") == 0 ||
	    strcmp(name, LABELD_DB_FILE "-shm") == 0 ||
	    strcmp(name, LABELD_DB_FILE "-journal") == 0 ||
	    (n > 4 && strcmp(name + n - 4, ".tmp") == 0);
}

static int
fsync_path(const char *path, char *err, size_t errlen)
{
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fsync(fd) == -1)
		rc = -1;
	if (rc == -1)
		errfmt(err, errlen, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	return rc;
}

/* Copies the regular file from to the new file to, mode 0600, fsynced. */
static int
copy_file(const char *from, const char *to, char *err, size_t errlen)
{
	char	 buf[65536];
	ssize_t	 n, w, off;
	int	 in, out = -1, rc = -1;

	if ((in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		errfmt(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1) {
		errfmt(err, errlen, "%s: %s", to, strerror(errno));
		goto done;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(out, buf + off, (size_t)(n - off))) <=
			    0) {
				errfmt(err, errlen, "%s: %s", to,
				    strerror(errno));
				goto done;
			}
	if (n == -1) {
		errfmt(err, errlen, "%s: %s", from, strerror(errno));
		goto done;
	}
	if (fsync(out) == -1) {
		errfmt(err, errlen, "%s: %s", to, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (out != -1 && close(out) == -1 && rc == 0) {
		errfmt(err, errlen, "%s: %s", to, strerror(errno));
		rc = -1;
	}
	close(in);
	return rc;
}

/* Copies directory from (but what skipped() names) into the new to. */
static int
copy_tree(const char *from, const char *to, int depth, int *nfiles,
    char *err, size_t errlen)
{
	char		 src[PATH_MAX], dst[PATH_MAX];
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 rc = -1;

	if (depth > BACKUP_MAX_DEPTH) {
		errfmt(err, errlen, "%s: nested too deep for a data dir", from);
		return -1;
	}
	if (mkdir(to, 0700) == -1 && (depth > 0 || errno != EEXIST)) {
		errfmt(err, errlen, "%s: %s", to, strerror(errno));
		return -1;
	}
	if ((d = opendir(from)) == NULL) {
		errfmt(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (depth == 0 ? skipped(de->d_name) :
		    strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (path_join(src, sizeof(src), from, de->d_name) ||
		    path_join(dst, sizeof(dst), to, de->d_name)) {
			errfmt(err, errlen, "%s: path too long", from);
			goto done;
		}
		if (lstat(src, &st) == -1) {
			errfmt(err, errlen, "%s: %s", src, strerror(errno));
			goto done;
		}
		if (S_ISDIR(st.st_mode)) {
			if (copy_tree(src, dst, depth + 1, nfiles, err,
			    errlen) == -1)
				goto done;
		} else if (S_ISREG(st.st_mode)) {
			if (copy_file(src, dst, err, errlen) == -1)
				goto done;
			(*nfiles)++;
		} else {
			errfmt(err, errlen, "%s: neither a file nor a "
			    "directory: not a data dir's", src);
			goto done;
		}
	}
	if (errno != 0) {
		errfmt(err, errlen, "%s: %s", from, strerror(errno));
		goto done;
	}
	rc = fsync_path(to, err, errlen);
done:
	closedir(d);
	return rc;
}

/* Removes the tree at path (a backup of ours being replaced). */
static void
remove_tree(const char *path, int depth)
{
	char		 p[PATH_MAX];
	struct dirent	*de;
	DIR		*d;

	if (depth > BACKUP_MAX_DEPTH || (d = opendir(path)) == NULL) {
		unlink(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    path_join(p, sizeof(p), path, de->d_name))
			continue;
		if (de->d_type == DT_DIR)
			remove_tree(p, depth + 1);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(path);
}

/*
 * Writes a complete backup of data_dir (whose database db is open) to the
 * directory dest, which must not exist unless force (then it is
 * replaced once the new copy is whole).  *nfiles counts the files beside
 * the database.  0, or -1 with err (nothing left at dest but what was
 * there).
 */
int
backup_data_dir(struct db *db, const char *data_dir, const char *dest,
    int force, int *nfiles, char *err, size_t errlen)
{
	char		 tmp[PATH_MAX], old[PATH_MAX], dbfile[PATH_MAX];
	struct stat	 st;
	int		 had;

	*nfiles = 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", dest) >= (int)sizeof(tmp) ||
	    snprintf(old, sizeof(old), "%s.old", dest) >= (int)sizeof(old) ||
	    path_join(dbfile, sizeof(dbfile), tmp, LABELD_DB_FILE)) {
		errfmt(err, errlen, "%s: path too long", dest);
		return -1;
	}
	had = lstat(dest, &st) == 0;
	if (had && !force) {
		errfmt(err, errlen, "%s exists: give --force to replace it",
		    dest);
		return -1;
	}
	if (had && !S_ISDIR(st.st_mode)) {
		errfmt(err, errlen, "%s exists and is not a directory", dest);
		return -1;
	}
	remove_tree(tmp, 0);
	if (mkdir(tmp, 0700) == -1) {
		errfmt(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	/* The snapshot first: every file it names exists already. */
	if (store_backup(db, dbfile, err, errlen) == -1 ||
	    chmod(dbfile, 0600) == -1 ||
	    copy_tree(data_dir, tmp, 0, nfiles, err, errlen) == -1)
		goto fail;
	if (had) {
		remove_tree(old, 0);
		if (rename(dest, old) == -1) {
			errfmt(err, errlen, "%s: %s", dest, strerror(errno));
			goto fail;
		}
	}
	if (rename(tmp, dest) == -1) {
		errfmt(err, errlen, "%s: %s", dest, strerror(errno));
		if (had)
			(void)rename(old, dest);
		goto fail;
	}
	if (had)
		remove_tree(old, 0);
	/* The rename itself durable: the directory that holds dest. */
	snprintf(old, sizeof(old), "%s", dest);
	if (strrchr(old, '/') != NULL)
		*strrchr(old, '/') = '\0';
	else
		snprintf(old, sizeof(old), ".");
	return fsync_path(old[0] != '\0' ? old : "/", err, errlen);
fail:
	remove_tree(tmp, 0);
	return -1;
}
