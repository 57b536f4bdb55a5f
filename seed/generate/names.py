"""Fictional people's names: common Swedish first names and surnames, combined at random."""

from __future__ import annotations

import random

# fmt: off
FIRST_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Kristina", "Lena", "Sara", "Emma", "Elin", "Ida",
    "Johanna", "Linnéa", "Malin", "Sofia", "Åsa", "Ingrid", "Märta", "Annika", "Helena",
    "Camilla", "Frida", "Hanna", "Louise", "Matilda", "Ebba", "Agnes", "Astrid", "Britt",
    "Gunilla", "Birgitta", "Ulla", "Margareta", "Elisabet", "Jenny", "Therese", "Jessica",
    "Amira", "Fatima", "Leila", "Nadia", "Saga", "Tove", "Klara", "Ylva", "Maja", "Alva",
    "Elsa", "Siv", "Inger", "Marie", "Lovisa", "Signe", "Tuva", "Wilma", "Cecilia",
    "Pernilla", "Susanne", "Rebecka", "Jasmin", "Aino", "Göta", "Stina", "Märit", "Solveig",
    "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Mikael", "Björn", "Jonas",
    "Olof", "Gustav", "Oskar", "Axel", "Viktor", "Emil", "Filip", "Anton", "Hampus", "Måns",
    "Göran", "Sören", "Åke", "Jörgen", "Mattias", "Fredrik", "Daniel", "Ali", "Omar",
    "Ahmed", "Hassan", "Mehmet", "Tomas", "Henrik", "Magnus", "Stefan", "Peter", "Ulf",
    "Kjell", "Rasmus", "Linus", "Elias", "Hugo", "Ludvig", "Sixten", "Torbjörn", "Bengt",
    "Leif", "Jukka", "Pär", "Östen",
)

SURNAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Lindström", "Olofsson",
    "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren",
    "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk",
    "Bergman", "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson",
    "Bergqvist", "Nyström", "Holmberg", "Arvidsson", "Löfgren", "Söderberg", "Nyberg",
    "Blomqvist", "Claesson", "Nordström", "Mårtensson", "Lundström", "Viklund", "Björklund",
    "Eliasson", "Pålsson", "Berggren", "Sandström", "Lund", "Nordin", "Ström", "Åberg",
    "Hermansson", "Ekström", "Holmgren", "Sundberg", "Hedlund", "Dahlberg", "Hellström",
    "Sjögren", "Abrahamsson", "Falk", "Öberg", "Andreasson", "Blom", "Ek", "Månsson",
    "Strand", "Åkesson", "Hosseini", "Mohammadi", "Yilmaz", "Nguyen", "Virtanen", "Korhonen",
    "Kowalski", "Popović", "Haddad", "Öhman", "Näslund", "Högberg", "Älvsjö",
)
# fmt: on


def person_name(rng: random.Random) -> str:
    """A first name and a surname; one in twelve has a double surname."""
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(SURNAMES)
    if rng.random() < 1 / 12:
        other = rng.choice(SURNAMES)
        if other != last:
            last = f"{last} {other}"
    return f"{first} {last}"
