"""Map the top-level folders core/, plugins/ and themes/ into the ``shequ`` namespace.

pyproject.toml cannot list nested packages of several package-dir roots without naming
each one, so this file computes them; every other setting lives in pyproject.toml.
"""

from setuptools import find_packages, setup

ROOTS = {"shequ.core": "core", "shequ.plugins": "plugins", "shequ.themes": "themes"}
DATA = ["**/templates/**/*", "**/static/**/*", "**/locales/**/*", "**/*.toml", "**/*.md"]

packages, package_dir = [], {}
for name, folder in ROOTS.items():
    package_dir[name] = folder
    packages.append(name)
    packages += [f"{name}.{sub}" for sub in find_packages(folder)]

package_data = {
    name: DATA + ["templates/*", "static/*", "*/templates/*", "*/static/*"] for name in packages
}
# A theme is a folder read as a whole at run time (theme.toml, templates/, static/, locales/,
# and whatever else its author puts there), so each theme folder ships complete.
package_data["shequ.themes"] += ["*/*", "*/**/*"]

setup(
    packages=packages,
    package_dir=package_dir,
    package_data=package_data,
    exclude_package_data={"": ["__pycache__/*", "*.py[cod]"]},
    include_package_data=False,
)
