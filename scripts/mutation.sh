#!/usr/bin/env bash
# Mutation testing of one module with mutmut 3 (issue 15 §8), restricted to the fast test files that
# exercise it. mutmut is not a project dependency: install it into your own venv first
#   .venv/bin/pip install 'mutmut==3.8.1'
# Usage: scripts/mutation.sh MODULE [PATTERN...]   MODULE is one of the names in the table below;
#   PATTERNs (mutmut mutant names with *, e.g. 'jdgen.posts.x__terms*') limit the run to those functions
# The run happens in a copy of the work tree under ${MUTATION_DIR:-/tmp/jdgen-mutation}/MODULE (so the
# checkout gets no mutants/ folder or setup.cfg); the last lines are the counts per status.
# Each mutant runs only the selected tests that call the mutated function (mutmut's own mapping),
# stopping at the first failure; run it under `nice`, the machine is shared.
set -euo pipefail

module=${1:?usage: scripts/mutation.sh MODULE [PATTERN...]}
shift
kexpr=""
case $module in
  posts)       file=jdgen/posts.py
               tests="tests/test_posts.py tests/test_ksf.py tests/test_content_rules.py tests/test_rules_that_bite.py tests/test_mutations_bite.py" ;;
  ksf)         file=jdgen/ksf.py
               tests="tests/test_ksf.py tests/test_rules_that_bite.py tests/test_mutations_bite.py" ;;
  supervision) file=jdgen/supervision.py
               tests="tests/test_supervision_rules.py tests/test_posts.py tests/test_mutations_bite.py" ;;
  compare)     file=jdgen/compare.py
               tests="tests/test_compare.py tests/test_rules_that_bite.py tests/test_mutations_bite.py" ;;
  assessments) file=jdgen/assessments.py
               tests="tests/test_training.py tests/test_input.py tests/test_mutations_bite.py" ;;
  salary)      file=jdgen/salary.py  # test_jd_content's PDF tests take seconds each and say nothing of salaries
               tests="tests/test_jd_content.py tests/test_mutations_bite.py"; kexpr="not pdf and not artifacts" ;;
  yamlio)      file=jdgen/yamlio.py
               tests="tests/test_yamlio.py tests/test_mutations_bite.py" ;;
  store)       file=jdgen/web/store.py
               tests="tests/test_web_api.py tests/test_mutations_bite.py" ;;
  form)        file=jdgen/web/form.py
               tests="tests/test_web_pages.py tests/test_web_picker.py tests/test_mutations_bite.py" ;;
  *) echo "unknown module '$module'" >&2; exit 2 ;;
esac

root=$(git rev-parse --show-toplevel)
venv=${VENV:-$root/.venv}
dir=${MUTATION_DIR:-/tmp/jdgen-mutation}/$module
rm -rf "$dir" && mkdir -p "$dir"
(cd "$root" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$dir"
{
  echo "[mutmut]"
  echo "source_paths = jdgen"
  echo "only_mutate = $file"
  echo "also_copy ="
  for extra in frameworks clusters templates examples docs; do echo "    $extra"; done
  echo "pytest_add_cli_args_test_selection ="
  for t in $tests; do echo "    $t"; done
  if [ -n "$kexpr" ]; then echo "    -k"; echo "    $kexpr"; fi
} > "$dir/setup.cfg"
cd "$dir"
start=$(date +%s)
"$venv/bin/mutmut" run --max-children "${MAX_CHILDREN:-2}" "$@" > run.log 2>&1 || { tail -c 3000 run.log; exit 1; }
"$venv/bin/mutmut" results --all true | grep -v ': not checked$' > results.txt || true
echo "$module ($file${*:+, $# named or patterns}): $(grep -c . results.txt) mutants in $(( $(date +%s) - start )) s"
sed -E 's/.*: //' results.txt | sort | uniq -c
