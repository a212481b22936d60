"""Small ODS files built by the tests, in the two formats ods_import reads (ADR 0017)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr


@dataclass(frozen=True)
class Org:
    code: str
    name: str
    active: bool = True
    start: str = "2001-04-01"
    end: str = ""
    role: str = "RO197"


ACTIVE = Org("RNI", "Northern Imaging NHS Trust")
CLOSED = Org("RCL", "Closed Valley NHS Trust", active=False, end="2024-03-31")
SUPPLIER = Org("8JK01", "Kestrel Imaging Ltd", role="RO92")


def ods_xml(orgs: list[Org], *, published: str = "2026-11-01") -> bytes:
    """A full file in ODS's OrgRefData shape: a manifest, code systems, then organisations with
    dates, roles (with dates of their own, which are not the organisation's) and relationships."""
    body = []
    for org in orgs:
        end = f"<End value={quoteattr(org.end)}/>" if org.end else ""
        body.append(
            f"""
    <Organisation orgRecordClass="RC1" refOnly="false">
      <Name>{org.name.replace("&", "&amp;")}</Name>
      <Date><Type value="Legal"/><Start value="1990-01-01"/></Date>
      <Date><Type value="Operational"/><Start value={quoteattr(org.start)}/>{end}</Date>
      <OrgId root="2.16.840.1.113883.2.1.3.2.4.18.48" assigningAuthorityName="HSCIC"
             extension={quoteattr(org.code)}/>
      <Status value="{"Active" if org.active else "Inactive"}"/>
      <LastChangeDate value="2025-01-01"/>
      <Roles>
        <Role id="RO7" uniqueRoleId="9" primaryRole="false">
          <Date><Type value="Operational"/><Start value="1980-01-01"/>
                <End value="1981-01-01"/></Date>
          <Status value="Inactive"/>
        </Role>
        <Role id={quoteattr(org.role)} uniqueRoleId="1" primaryRole="true">
          <Date><Type value="Operational"/><Start value="1970-01-01"/></Date>
          <Status value="Active"/>
        </Role>
      </Roles>
      <Rels>
        <Rel id="RE4" uniqueRelId="1">
          <Date><Type value="Operational"/><Start value="1970-01-01"/></Date>
          <Status value="Active"/>
          <Target><OrgId root="2.16" assigningAuthorityName="HSCIC" extension="Q99"/></Target>
        </Rel>
      </Rels>
    </Organisation>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<OrgRefData:OrgRefData xmlns:OrgRefData="http://refdata.hscic.gov.uk/org-ref-data/">
  <Manifest>
    <Version value="2-0-0"/>
    <PublicationType value="Full"/>
    <PublicationDate value="{published}"/>
    <RecordCount value="{len(orgs)}"/>
  </Manifest>
  <CodeSystems>
    <CodeSystem name="OrganisationRole"><concept id="RO197" displayName="NHS TRUST"/></CodeSystem>
  </CodeSystems>
  <Organisations>{"".join(body)}
  </Organisations>
</OrgRefData:OrgRefData>
""".encode()


def ods_csv(orgs: list[Org], *, header: bool = True) -> bytes:
    """A DSE CSV report: with a header row (columns found by name, in DSE's order), or without
    (the predefined reports' fixed columns: code, name, ..., open date in 11, close date in 12)."""
    out = io.StringIO()
    if header:
        out.write('"Name","Organisation Code","Status","Primary Role","Start Date","End Date"\r\n')
        for org in orgs:
            status = "Active" if org.active else "Inactive"
            out.write(
                f'"{org.name}","{org.code}","{status}","{org.role}","{org.start}","{org.end}"\r\n'
            )
    else:
        for org in orgs:
            start, end = org.start.replace("-", ""), org.end.replace("-", "")
            out.write(
                f'"{org.code}","{org.name.upper()}","Y56","QE1","1 ROAD","","TOWN","","",'
                f'"LS1 1AA","{start}","{end}"\r\n'
            )
    return out.getvalue().encode()


def import_bytes(content: bytes, *, source: str = "ods.xml", today=None):
    from ods.services import ods_import

    return ods_import(stream=io.BytesIO(content), source=source, today=today)
