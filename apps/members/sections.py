"""Sections that later apps add to a member's detail page (sessions, points, duties…).

    # in the app's AppConfig.ready()
    from apps.members.sections import member_sections
    member_sections.add("consultation/member_sessions.html", order=200)

Each template is included with the page's context (`member`, `request`, `user`) and
must run a fixed number of queries (the detail page is pinned in the tests).
"""

from dataclasses import dataclass, field


@dataclass
class MemberSections:
    entries: list[tuple[int, str]] = field(default_factory=list)

    def add(self, template: str, order: int = 100) -> None:
        if all(t != template for _o, t in self.entries):
            self.entries.append((order, template))
            self.entries.sort()

    def templates(self) -> list[str]:
        return [template for _order, template in self.entries]


member_sections = MemberSections()
