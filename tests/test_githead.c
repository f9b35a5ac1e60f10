/* githead: the cases' commit read from the repository's files agrees with
 * `git rev-parse HEAD` in every layout git makes (loose and packed refs, detached HEAD,
 * linked worktrees, a `.git` file, symbolic refs), says "none" exactly where git does,
 * and hands to git whatever it cannot read for sure. Repositories are made by git
 * itself in temporary folders. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "githead.h"
#include "test_tmp.h"

#define GIT                                                                                        \
    "git -c user.name=kpct -c user.email=kpct@example.com -c init.defaultBranch=main "             \
    "-c commit.gpgsign=false -c core.hooksPath=/dev/null"

static void sh(const char *fmt, const char *dir)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, dir, dir, dir, dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* A repository in a new folder with two commits on main; returns its path in out. */
static void make_repo(char out[512])
{
    cr_assert_not_null(test_tmp_dir(out, 512, "githead"));
    sh("cd %s && " GIT " init -q && echo a >a && " GIT " add a && " GIT " commit -q -m one && "
       "echo b >>a && " GIT " commit -q -am two",
       out);
}

/* What git itself says of dir (-1 when it says there is no commit). */
static int git_says(const char *dir, char out[GITHEAD_MAX])
{
    return githead_git(dir, 10000, out);
}

static void assert_read_agrees(const char *dir)
{
    char mine[GITHEAD_MAX] = "", theirs[GITHEAD_MAX] = "";
    cr_assert_eq(git_says(dir, theirs), 0, "git has a commit for %s", dir);
    cr_assert_eq(githead_read(dir, mine), GITHEAD_FOUND, "read from the files in %s", dir);
    cr_assert_str_eq(mine, theirs);
    char both[GITHEAD_MAX] = "";
    cr_assert_eq(githead_commit(dir, GITHEAD_TIMEOUT_MS, both), 0);
    cr_assert_str_eq(both, theirs);
}

Test(githead, reads_a_branch_from_its_loose_ref)
{
    char repo[512];
    make_repo(repo);
    assert_read_agrees(repo);
}

Test(githead, reads_a_branch_from_packed_refs)
{
    char repo[512], path[600];
    make_repo(repo);
    sh("cd %s && " GIT " pack-refs --all", repo);
    snprintf(path, sizeof path, "%s/.git/refs/heads/main", repo);
    cr_assert_neq(access(path, F_OK), 0, "the loose ref is gone");
    assert_read_agrees(repo);
}

Test(githead, reads_a_detached_head_and_a_folder_deep_inside)
{
    char repo[512], sub[600];
    make_repo(repo);
    sh("cd %s && " GIT " checkout -q --detach HEAD~1 && mkdir -p cases/deep/er", repo);
    assert_read_agrees(repo);
    snprintf(sub, sizeof sub, "%s/cases/deep/er", repo);
    assert_read_agrees(sub);
}

Test(githead, reads_a_linked_worktree_on_its_own_branch)
{
    char repo[512], wt[600];
    make_repo(repo);
    snprintf(wt, sizeof wt, "%s-wt", repo);
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd %s && " GIT " worktree add -q -b side %s HEAD~1 && cd %s && echo c >c && " GIT
             " add c && " GIT " commit -q -m three",
             repo, wt, wt);
    cr_assert_eq(system(cmd), 0);
    assert_read_agrees(wt);
    assert_read_agrees(repo);
    char a[GITHEAD_MAX], b[GITHEAD_MAX];
    cr_assert_eq(githead_read(wt, a), GITHEAD_FOUND);
    cr_assert_eq(githead_read(repo, b), GITHEAD_FOUND);
    cr_assert_str_neq(a, b, "each worktree its own HEAD");
    snprintf(cmd, sizeof cmd, "cd %s && " GIT " pack-refs --all", repo);
    cr_assert_eq(system(cmd), 0);
    assert_read_agrees(wt);
    snprintf(cmd, sizeof cmd, "rm -rf %s", wt);
    cr_assert_eq(system(cmd), 0);
}

Test(githead, follows_a_gitdir_file_with_a_relative_path)
{
    char repo[512];
    make_repo(repo);
    sh("cd %s && mkdir store && mv .git store/repo.git && printf 'gitdir: store/repo.git\\n' >.git",
       repo);
    assert_read_agrees(repo);
}

Test(githead, follows_a_chain_of_symbolic_refs)
{
    char repo[512];
    make_repo(repo);
    sh("cd %s && " GIT " branch -q other HEAD~1 && " GIT
       " symbolic-ref refs/heads/alias refs/heads/other && " GIT
       " symbolic-ref HEAD refs/heads/alias",
       repo);
    assert_read_agrees(repo);
}

Test(githead, says_none_where_git_does)
{
    char empty[512], plain[512], out[GITHEAD_MAX] = "untouched";
    /* a repository without commits: HEAD names a branch that has none */
    cr_assert_not_null(test_tmp_dir(empty, sizeof empty, "githead-empty"));
    sh("cd %s && " GIT " init -q", empty);
    cr_assert_eq(git_says(empty, out), -1);
    cr_assert_eq(githead_read(empty, out), GITHEAD_NONE);
    cr_assert_eq(githead_commit(empty, GITHEAD_TIMEOUT_MS, out), -1);
    cr_assert_str_eq(out, "untouched");
    /* a folder in no repository at all (when the temporary base is in none either) */
    cr_assert_not_null(test_tmp_dir(plain, sizeof plain, "githead-plain"));
    if (git_says(plain, out) == 0)
        cr_skip_test("the temporary folder is inside a git repository");
    cr_assert_eq(githead_read(plain, out), GITHEAD_NONE);
    cr_assert_eq(githead_commit(plain, GITHEAD_TIMEOUT_MS, out), -1);
    cr_assert_str_eq(out, "untouched");
}

Test(githead, leaves_to_git_what_the_files_cannot_tell)
{
    char repo[512], out[GITHEAD_MAX], theirs[GITHEAD_MAX];
    make_repo(repo);
    cr_assert_eq(git_says(repo, theirs), 0);
    /* the environment picks the repository */
    setenv("GIT_DIR", "/nonexistent", 1);
    cr_assert_eq(githead_read(repo, out), GITHEAD_UNSURE);
    unsetenv("GIT_DIR");
    /* HEAD in a form this reader does not know: git is asked, and its answer stands */
    sh("cd %s && cp .git/HEAD head.keep && printf 'ref: refs/heads/main \\n' >.git/HEAD", repo);
    cr_assert_eq(githead_read(repo, out), GITHEAD_UNSURE);
    sh("cd %s && mv head.keep .git/HEAD && mkdir .git/reftable", repo);
    cr_assert_eq(githead_read(repo, out), GITHEAD_UNSURE, "refs in a reftable");
    cr_assert_eq(githead_commit(repo, GITHEAD_TIMEOUT_MS, out), 0, "git still reads this one");
    cr_assert_str_eq(out, theirs);
    /* a loose ref that is not an object name */
    sh("cd %s && rmdir .git/reftable && printf 'not a hash\\n' >.git/refs/heads/main", repo);
    cr_assert_eq(githead_read(repo, out), GITHEAD_UNSURE);
    /* an oversized HEAD is not read */
    sh("cd %s && head -c 5000 /dev/zero | tr '\\0' a >.git/HEAD", repo);
    cr_assert_eq(githead_read(repo, out), GITHEAD_UNSURE);
}
